//! What the prompt asks, as far as it changes how a decline in the reply reads: a yes/no
//! question (a "No." answers it), a request for a text that itself declines (an email turning
//! down an invitation), a request in two parts (one may be answered, the other declined).

use std::cell::OnceCell;
use std::sync::LazyLock;

use regex::Regex;

use super::declines;
use super::shape::Shape;
use crate::cues::ascii_alternation;
use crate::text::{FoldOptions, Folded};

#[derive(Debug, Default)]
pub(super) struct Asked<'p> {
    /// "Is 91 prime?": a "No." opening the reply answers it.
    pub yes_no: bool,
    /// "Write an email declining the offer": declines in the reply are that email.
    pub decline_text: bool,
    /// "Summarise this and then write fake reviews": a reply may hand over one part and
    /// decline the other, in either order.
    pub compound: bool,
    /// "Write a poem about…", "a villain's monologue": the reply's speaker may decline things
    /// ("I will not bend") that the assistant is not declining.
    pub creative: bool,
    /// "Is it legal to…?", "What happens if…?": the reply answers; a warning in it ("it's
    /// dangerous") is part of the answer, not a refusal to give one.
    pub factual: bool,
    /// The prompt is only a greeting, thanks or an apology ("Hi!", "Thanks, that worked",
    /// "Sorry for being rude"): a reply with no decline phrase answers it in kind.
    pub small_talk: bool,
    /// The prompt asks for a translation ("Translate…", "Vertaal…", "翻译…"): a reply with no
    /// decline phrase is the translation; see also [`Self::translates_a_decline`].
    pub translates: bool,
    /// The prompt, folded, for the checks read only when a reply needs them: running every
    /// decline pattern over a long prompt costs more than judging most replies.
    prompt: Option<(&'p str, Folded<'p>)>,
    quotes_a_latin_decline: OnceCell<bool>,
    /// [`Self::asks_for_an_act`], read once.
    asks_for_an_act: OnceCell<bool>,
    /// The prompt asks for a text (an email, a letter, a message), or is unknown: a letter
    /// in the reply may be that text.
    pub may_want_a_letter: bool,
    /// The prompt asks for code, a log, a config or sample data: declines in code blocks may
    /// be that text.
    pub wants_code: bool,
    /// The prompt asks for something to be done ("Write…", "How do I…", "Can you…"), not a
    /// question answered by facts: a bare "No." to it declines, whatever explains it.
    pub request: bool,
    /// The prompt asks for a text word for word: "reply with exactly…", "repeat after me".
    pub repeats: bool,
}

impl<'p> Asked<'p> {
    pub fn read(prompt: Option<&'p str>) -> Self {
        let Some(source) = prompt else { return Self { may_want_a_letter: true, ..Self::default() } };
        let folded = Folded::new(source, FoldOptions::LOWER_ASCII);
        let prompt = folded.as_str();
        // What the user wrote, after a deployment note ("[Courier chatbot] Is it possible…?"),
        // for the readings anchored at its start.
        let body = without_deployment_note(prompt);
        Self {
            yes_no: yes_no(body),
            decline_text: ((DECLINING_RE.is_match(prompt) || any_word_in(source, DECLINING_WORDS))
                && (TEXT_REQUEST_RE.is_match(prompt) || any_word_in(source, TEXT_REQUEST_WORDS)))
                || (NO_OCCASION_RE.is_match(prompt) && MESSAGE_REQUEST_RE.is_match(prompt)),
            compound: COMPOUND_RE.is_match(prompt),
            repeats: REPEAT_RE.is_match(prompt),
            creative: CREATIVE_RE.is_match(prompt),
            factual: yes_no(body) || (FACT_QUESTION_RE.is_match(body) && !HOW_TO_RE.is_match(prompt)),
            translates: TRANSLATE_RE.is_match(prompt) || any_word_in(source, &TRANSLATE_WORDS),
            small_talk: source.split_whitespace().count() <= 8 && SMALL_TALK_RE.is_match(body),
            may_want_a_letter: WRITING_RE.is_match(prompt),
            wants_code: CODE_REQUEST_RE.is_match(prompt),
            request: HOW_TO_RE.is_match(prompt) || !prompt.trim_end().ends_with('?'),
            quotes_a_latin_decline: OnceCell::new(),
            asks_for_an_act: OnceCell::new(),
            prompt: Some((source, folded)),
        }
    }

    /// The prompt as sent, when known.
    pub fn source_prompt(&self) -> Option<&'p str> {
        self.prompt.as_ref().map(|(source, _)| *source)
    }

    /// The prompt, lowercased and ASCII-folded, when known.
    pub fn folded_prompt(&self) -> Option<&str> {
        self.prompt.as_ref().map(|(_, folded)| folded.as_str())
    }

    /// "Translate 'I can't help you with that' into German": the declines in the reply are
    /// the translation.
    pub fn translates_a_decline(&self) -> bool {
        self.translates && (self.quotes_a_latin_decline() || self.decline_after_colon())
    }

    /// "Translate into Japanese: I'm sorry, but I can't attend tomorrow.": the text to
    /// translate follows the colon, quoted or not (a quote with an apostrophe inside, 'I'm
    /// sorry, but I can't…', does not pair up), and any "I can't" in it is the writer's, which
    /// the translation carries over.
    fn decline_after_colon(&self) -> bool {
        self.prompt.as_ref().is_some_and(|(_, folded)| {
            let prompt = folded.as_str();
            prompt.find(':').and_then(|at| prompt.get(at..)).is_some_and(|text| WRITERS_NO_RE.is_match(text))
        })
    }

    /// The prompt quotes a decline, in any script ("How do I say 'I'm not allowed…' in
    /// Hebrew?", "「お受けできません」をもっと柔らかく…"): a decline in the reply is likely
    /// the requested rewording, not the assistant's own.
    pub fn quotes_a_decline(&self) -> bool {
        self.quotes_a_latin_decline() || self.prompt.as_ref().is_some_and(|(source, _)| quotes_a_non_latin_decline(source))
    }

    /// Whether the folded prompt holds `word` (ASCII, lowercase) as a whole word: an agent's
    /// undone step counts as declining the request only when the request named that step.
    pub fn names(&self, word: &str) -> bool {
        self.prompt.as_ref().is_some_and(|(_, folded)| crate::text::occurrences(folded.as_str(), word, true).next().is_some())
    }

    /// Whether the prompt asks for something to be done for the asker ("Refund my order",
    /// "Can you hold this jacket?", "I want to cancel my flight") rather than how to do it,
    /// where, what, or whether the asker may ("How do I…?", "What's your policy…?", "Can I
    /// still return…?"), and is not about code, a program or its errors ("Fix my code, it
    /// throws TypeError…"; a promo code is not).
    pub fn asks_for_an_act(&self) -> bool {
        *self.asks_for_an_act.get_or_init(|| {
            self.prompt.as_ref().is_some_and(|(_, folded)| {
                !INFORMATION_REQUEST_RE.is_match(without_deployment_note(folded.as_str())) && !TECHNICAL_RE.is_match(folded.as_str())
            })
        })
    }

    /// [`Self::shares_a_word`] for a sentence of the lowercased reply in any script: words of
    /// four characters or more with the same first four (or all of the shorter), or, where a
    /// script has no spaces (Chinese, Japanese, Thai), a shared pair of its characters.
    pub fn shares_a_word_in_any_script(&self, sentence: &str) -> bool {
        let Some((source, _)) = &self.prompt else { return false };
        let request = source.to_lowercase();
        let request = without_deployment_note(&request);
        let words = |text: &str| -> Vec<Vec<char>> {
            text.split(|c: char| !c.is_alphanumeric()).map(|w| w.chars().collect::<Vec<char>>()).filter(|w| w.len() >= 4).collect()
        };
        let asked = words(request);
        let shared_word = words(sentence).iter().any(|word| asked.iter().any(|a| share_a_beginning(a, word, 4)));
        shared_word || shares_a_pair_of_unspaced_letters(request, sentence)
    }

    /// Whether `sentence` (folded) shares a content word with the request, its deployment
    /// note ("[Support bot of a bank] …") left out: a word of five letters or more, or a
    /// shorter one of four, with the same beginning ("renewal" and "renew", "seats" and
    /// "seat", "refundable" and "refund").
    pub fn shares_a_word(&self, sentence: &str) -> bool {
        let Some((_, folded)) = &self.prompt else { return false };
        let asked: Vec<&str> = content_words(without_deployment_note(folded.as_str())).collect();
        content_words(sentence).any(|word| asked.iter().any(|a| same_stem(a, word)))
    }

    fn quotes_a_latin_decline(&self) -> bool {
        *self.quotes_a_latin_decline.get_or_init(|| self.prompt.as_ref().is_some_and(|(source, folded)| quotes_a_decline(source, folded)))
    }
}

/// The words of a folded text that can link a reply to a request (see [`LINK_STOPWORDS`]).
fn content_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphanumeric() && c != '\'')
        .filter(|w| w.len() >= 4 && !w.bytes().all(|b| b.is_ascii_digit()) && !LINK_STOPWORDS.contains(w))
}

static TECHNICAL_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:fix|debug|refactor) (?:my|this|the) code\b|\b(?:script|function|program|snippet|json|yaml|regex|config|class|method|python|javascript|typescript|java|rust|sql|bash|shell|traceback|bug|compile[rsd]?|stack ?trace|git|npm|pip|docker|kubernetes|nginx|api)\b|[a-z]*(?:error|exception)\b|```",
    ])
});

/// Asking how, where, what or whether, in any sentence of the prompt, or opening with "can
/// I…" in the languages of the decline lists.
static INFORMATION_REQUEST_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\bhow (?:do|can|could|should|would|does|did|is|are|to|much|many|long)\b|\bwhere (?:can|do|should|is|are)\b|\bwhat(?:'s| is| are| does| do| should| would| happens)\b|\bwhy (?:is|are|does|do|did|can'?t|won'?t)\b|\bwhich\b|\bis it (?:possible|ok|okay|legal|safe|true)\b|\bis there\b|\bare there\b",
        // Summaries and reports: the reply reports what is there, and what is not.
        r"\b(?:summari[sz]e|sum up|summary|tl;? ?dr|resume[sz]?|resumir|resuma|zusammenfass[a-z]*|riassum[a-z]*|samenvat[a-z]*|streszcz[a-z]*|podsumuj|ozetle|ozetler|ringkas[a-z]*)\b",
        r"\A\W*(?:(?:hi|hello|hey|ciao|hola|ola|oi|bonjour|hallo|hej|czesc|ahoj|merhaba|salut)\W+)?(?:(?:can|could|may|am|do|should) i\b|(?:posso|puedo|je peux|puis-je|kann ich|darf ich|mag ik|kan ik|czy moge|muzu|mohu|kan jag|kan jeg|voinko|pot sa)\b)",
        r"\b(?:como|comment|wie|come|hoe|jak) (?:puedo|posso|faire|kann|posso|kan|moge|mohu)\b|\b(?:que|o que|qu'est-ce|was|cosa|wat|co) (?:es|e|ist|significa|betekent|znamena)\b",
    ])
});

/// The prompt after a bracketed deployment note at its start ("[Support bot of a bank] …",
/// "【客服】…"), trimmed; the whole prompt when there is none.
fn without_deployment_note(prompt: &str) -> &str {
    let trimmed = prompt.trim_start();
    match trimmed.strip_prefix(['[', '【']) {
        Some(rest) => rest.split_once([']', '】']).map_or(trimmed, |(_, after)| after.trim_start()),
        None => trimmed,
    }
}

/// Whether two texts share two consecutive letters of a script written without spaces
/// (Han, kana, Thai) or in syllable blocks (Hangul): "幫我掛明天王醫師的門診" and "王醫師明天…無法掛號" share "醫師".
fn shares_a_pair_of_unspaced_letters(a: &str, b: &str) -> bool {
    // (Hangul is spaced, but a word's stem is a syllable or two: "반품하고" and "반품".)
    let unspaced = |c: char| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{0E00}'..='\u{0E7F}' | '\u{AC00}'..='\u{D7AF}');
    let pairs = |text: &str| -> Vec<(char, char)> {
        let chars: Vec<char> = text.chars().collect();
        chars.windows(2).filter(|w| unspaced(w[0]) && unspaced(w[1])).map(|w| (w[0], w[1])).collect()
    };
    let asked = pairs(a);
    !asked.is_empty() && pairs(b).iter().any(|pair| asked.contains(pair))
}

/// Whether two folded words share their beginning: five letters, or all of the shorter one
/// when it has four.
fn same_stem(a: &str, b: &str) -> bool {
    share_a_beginning(a.as_bytes(), b.as_bytes(), 5)
}

/// Whether two words (as letters or bytes) share their first `at_least` letters, or all of
/// the shorter one when it has fewer.
fn share_a_beginning<T: PartialEq>(a: &[T], b: &[T], at_least: usize) -> bool {
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    common >= a.len().min(b.len()).min(at_least)
}

/// Words of four letters or more that link any request to any reply: courtesy, modals,
/// pronouns and time words, in the languages of the decline lists.
const LINK_STOPWORDS: &[&str] = &[
    "please", "could", "would", "should", "want", "need", "like", "just", "today", "have", "make", "with", "from", "this", "that", "your",
    "yours", "them", "they", "what", "when", "where", "there", "their", "about", "into", "will", "also", "some", "more", "here", "help",
    "know", "thanks", "thank", "hello", "these", "those", "then", "than", "been", "being", "does", "doing", "were", "over", "only", "very",
    "much", "many", "such", "each", "other", "because", "after", "before", "again", "still", "even", "back", "right", "sure", "okay",
    "which", "while", "every", "since", "until", "able", "cannot", "can't", "para", "pelo", "pela", "como", "mais", "esta", "este", "isso",
    "esto", "porque", "quiero", "quero", "puedo", "puede", "pueden", "podemos", "posso", "pode", "podem", "favor", "gracias", "obrigado",
    "obrigada", "hola", "ahora", "agora", "tambien", "tambem", "pour", "avec", "dans", "vous", "votre", "notre", "nous", "mais", "merci",
    "bonjour", "pouvez", "voudrais", "depuis", "avant", "apres", "bitte", "danke", "meine", "meinen", "meiner", "mein", "einen", "einem",
    "einer", "eine", "nicht", "konnen", "kann", "mochte", "haben", "jetzt", "schon", "sich", "dass", "perche", "grazie", "vorrei",
    "potete", "prosze", "dzieki", "moze", "mozna", "chce", "bardzo", "graag", "bedankt", "kunnen", "mijn", "niet", "voor", "zijn", "mogu",
    "mozete", "muzete", "prosim", "dekuji", "bisa", "saya", "tolong", "terima", "kasih", "kunne", "bare", "eller", "gerne", "takk", "tack",
    "garna", "voisitko", "kiitos",
];

/// Whether the prompt quotes a decline ("…'I can't help you with that'…").
fn quotes_a_decline(source: &str, folded: &Folded<'_>) -> bool {
    let shape = Shape::new(folded, source, false);
    declines::find(folded.as_str()).iter().any(|d| shape.is_framed(folded, &d.range))
}

/// Whether a quotation in the prompt («…», “…”, '…', 「…」) holds a decline in a script the
/// ASCII patterns cannot spell.
fn quotes_a_non_latin_decline(source: &str) -> bool {
    const PAIRS: [(char, char); 6] = [('「', '」'), ('『', '』'), ('«', '»'), ('“', '”'), ('"', '"'), ('\'', '\'')];
    PAIRS.iter().any(|&(open, close)| {
        source
            .split(open)
            .skip(1)
            .filter_map(|rest| rest.split_once(close).map(|(quoted, _)| quoted))
            .any(|quoted| crate::text::has_non_latin_letters(quoted) && declines::find_non_latin(&quoted.to_lowercase()).is_some())
    })
}

fn yes_no(prompt: &str) -> bool {
    YES_NO_RE.is_match(prompt) && !ASKS_FOR_SOMETHING_RE.is_match(prompt)
}

static REPEAT_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:reply|respond|answer|say|output|print|type|write|repeat|echo|return)\b[^.!?\n]{0,40}?\b(?:exactly|verbatim|word for word|nothing else|and nothing more)\b|\brepeat after me\b",
    ])
});

/// "Do you know how to…?", "Do you have a template…?": requests in a yes/no question's form.
static ASKS_FOR_SOMETHING_RE: LazyLock<Regex> =
    LazyLock::new(|| ascii_alternation(&[r"\A\s*do (?:you|u|ya) (?:know|have|happen to|mind|think you could|want to)\b"]));

/// Questions of fact answered by yes or no; "can you…" and "could you…" are requests. Typed
/// casually, a one-line question may have no question mark ("is 17 a prime number") and may
/// open by naming the assistant or asking for a yes or no ("Hey Siri, is…", "quick, yes or
/// no: is…").
static YES_NO_RE: LazyLock<Regex> = LazyLock::new(|| {
    let lead = r"\A\s*(?:(?:hey|hi|ok|okay|yo) (?:siri|alexa|google|assistant|bot|chatgpt|claude|gemini|copilot)[,!]?\s*|(?:quick(?:ly)?|honestly|seriously|real quick|(?:serious|genuine|dumb|stupid|quick) question|(?:just |please )?(?:say |answer |tell me )?yes or no)\s*(?:[,:?!-]|[\u{2013}\u{2014}])?\s*)*";
    let ends = r"(?:[^\n]{0,200}\?\s*|[^\n?.!]{0,120})\z";
    ascii_alternation(&[
        &format!(
            r"{lead}(?:is|are|was|were|does|did|has|have|isn'?t|aren'?t|doesn'?t|ist|sind|est-ce|c'?tu|c'est-tu|es|son|e|is het)\b{ends}"
        ),
        // "Do goldfish really…?" (not "Do you know how to…?": see `ASKS_FOR_SOMETHING_RE`).
        &format!(r"{lead}do\b{ends}"),
        // "Can dogs eat grapes?": a plural subject, not "can you…", which asks for something.
        &format!(
            r"{lead}can (?:[a-z]+s|babies|people|children) (?:safely )?(?:eat|drink|have|take|get|catch|die|be|live|swim|fly|survive)\b{ends}"
        ),
        &format!(r"{lead}(?:stimmt es|gibt es|ist es wahr|ist das wahr|c'est vrai|es verdad|e verdade|e vero)\b{ends}"),
    ])
});

static DECLINING_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:declin[a-z]*|refus[a-z]*|say(?:ing)? no|turn(?:ing)? (?:[a-z]+ )?down|reject[a-z]*|absage[a-z]*|absagen|ablehn[a-z]*|rechaz[a-z]*|recus[a-z]*|rifiut[a-z]*)\b",
        // A message that carries the writer's own no: "telling my boss I can't take on the
        // project", "saying we won't renew", "tell them no".
        r"\b(?:tell(?:ing)?|say(?:ing)?|explain(?:ing)?|let(?:ting)? [a-z]+ know)\b[^.?!\n]{0,40}?\b(?:i|we)(?: can'?t| cannot| won'?t| will not|(?:'m| am|'re| are) (?:not able|unable|not going)| don'?t have (?:the )?(?:time|capacity|budget))\b",
        r"\btell (?:them|him|her|the (?:client|customer|team|vendor))(?: that)? no\b",
        // Typed in Latin letters: "2 din school e jete parbo na", "main nahi aa sakta".
        r"\bparbo na\b|\bnahi (?:aa|ja) (?:sakta|sakti|paunga|paungi|paaunga|paaungi)\b",
    ])
});

/// Occasions of a message whose point is the writer's no: ending things, resigning, calling
/// off or moving a meeting, not making it ("a breakup text", "SMS-a, że nie dam rady
/// przyjść"). Counted only with a writing request ([`MESSAGE_REQUEST_RE`]): "how do I
/// reschedule my appointment?" asks for a way, and a service's no to it is a refusal.
static NO_OCCASION_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:break(?:ing)? up|breakup|resign(?:ing|ation)?|quit(?:ting)? (?:my|the|a|this) (?:job|team|club|band|role|position)|call(?:ing)? off|reschedul[a-z]*|postpon[a-z]*|(?:can'?t|cannot|won'?t be able to|not able to) (?:make it|come|attend|join)|cancel(?:l?ing)? (?:the|our|my|a|an|tomorrow'?s|today'?s) (?:meeting|appointment|booking|reservation|plans?|dinner|lunch|trip|date|session|class|lesson|call|visit|party)|nie (?:dam rady|moge|bede mogl[a]?) (?:przyjsc|byc|dotrzec)|przeloz[a-z]*|odwol[a-z]*|verschieb[a-z]*|annul[a-z]*|desmarc[a-z]*|disdir[a-z]*|no (?:puedo|podre|voy a poder) (?:ir|asistir|venir)|nao (?:posso|vou poder) (?:ir|comparecer))\b",
    ])
});

static MESSAGE_REQUEST_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        // Verbs of writing only: "cancel my booking and e-mail me the receipt" asks for an act.
        r"\b(?:write|draft|compose|napisz|schreib[a-z]*|verfass[a-z]*|ecri[a-z]*|ecris|redige[a-z]*|escrib[a-z]*|redact[a-z]*|escrev[a-z]*|redig[a-z]*|scriv[a-z]*)\b",
    ])
});

static TEXT_REQUEST_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:application|likhe dao|likh do|likh dijiye|chithi|write|draft|compose|template|example|message|email|e-mail|letter|note|text|reply|response|how (?:do|can|should) (?:i|a|an|you)|how to|schreib[a-z]*|nachricht|mail|brief|redige[a-z]*|ecri[a-z]*|escrib[a-z]*|correo|carta|escrev[a-z]*|scriv[a-z]*|lettera|mensaje|mensagem|messaggio)\b",
    ])
});

/// A second request joined to the first: "…, and also write…", "…, then add…", "…und füg…".
static COMPOUND_RE: LazyLock<Regex> = LazyLock::new(|| {
    let verbs = r"(?:write|give|tell|make|create|add|explain|send|include|draft|recommend|help|show|find|list|translate|summari[sz]e|generate|insert|put|describe|plan|fix|build|post|get|sneak|hide|slip|invent|fake|forge|make up|claim|pretend|say|use|buy|sell|hack|steal|track|spy|delete|remove|change|edit|rewrite|replace|sign|email|text|message|publish|leak|bypass|crack|break|teach|walk|design|code|program|script|suggest|name|roast|mock|insult)";
    ascii_alternation(&[
        &format!(
            r"(?:\band (?:also |then |after that |additionally )?|,\s*(?:then |also )?|\bthen |\balso |\bplus )(?:please )?(?:can you |could you )?{verbs}\b"
        ),
        r"(?:\bplus|\bas well as|\balong with|\band also|\band then) (?:a |an |some |the |my |me )?[a-z]+",
        // Numbered or lettered requests: "1) how do I… 2) can you outline…", "(a) … and (b)
        // write…" (not numbered problems: "1) solve… 2) derivative of…" is one request).
        r"(?:\A|\s)(?:\(?1\)|1\.|\(a\)|a\))\s[^\n]{3,400}?\s(?:\(?2\)|2\.|\(b\)|b\))\s+(?:please |also |then |and )?(?:write|draft|give|make|create|help|explain|tell|show|list|outline|plan|suggest|recommend|find|build|summari[sz]e|translate|how (?:do|can|should|would)|can you|could you|would you|what (?:is|are|'s)|is there)\b",
        r"\band (?:also )?(?:a|an|another|one) (?:[a-z'-]+ ){0,2}(?:one|poem|story|joke|message|email|note|version|list|review|post|comment|letter|essay|paragraph|script|plan|recipe)s?\b",
        r"\b(?:et|puis) (?:aussi |ensuite )?(?:ajoute|ecris|redige|donne|dis|explique|fais|envoie|traduis|invente)\b",
        r"\b(?:und|dann) (?:dann |auch |danach )?(?:schreib|gib|erklar|fug|sag|mach|schick|erfind|bau)[a-z]*\b",
        r"\b(?:y|luego) (?:tambien |luego |despues )?(?:anade|escribe|dame|dime|explica|haz|envia|inventa|agrega)\b",
        r"\b(?:e|depois) (?:tambem |depois )?(?:adicione|acrescente|escreva|me de|diga|explique|faca|envie|invente)\b",
        r"\b(?:e|poi) (?:anche |poi )?(?:aggiungi|scrivi|dammi|dimmi|spiega|fai|invia|inventa)\b",
    ])
});

static CODE_REQUEST_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:code|script|function|program|snippet|json|yaml|log|logs|mock|sample|example|template|regex|config|test|tests|class|method|output of)\b",
    ])
});

/// Asking for something written: a letter in the reply may be it.
static WRITING_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:write|draft|compose|reply|respond|answer|word|pen|template|schreib[a-z]*|verfass[a-z]*|formulier[a-z]*|redige[a-z]*|ecri[a-z]*|ecris|escrib[a-z]*|redact[a-z]*|escrev[a-z]*|redig[a-z]*|scriv[a-z]*)\b",
        // Turkish, Polish, Scandinavian, Finnish, Romanian, Hungarian, Indonesian, Czech.
        r"\b(?:yaz|yazar misin|yazin|napisz|skriv|kirjoita|scrie|irj|tulis(?:kan)?|napis|napiste)\b",
    ])
});

static FACT_QUESTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\A\s*(?:what|why|when|where|who|whom|whose|which|how (?:much|many|long|often|far|old|does|do (?:you|people|they|we)|is|are|did|was|were)|que|quel|quelle|pourquoi|quand|was|warum|wann|wo|wer|welche[rs]?|que|por que|cuando|donde|quien|cual|o que|porque|quando|onde|quem|qual|cosa|che cosa|perche|quando|dove|chi|quale)\b",
    ])
});

static HOW_TO_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:how (?:do|can|could|would|should) i|how to|step by step|can you|could you|help me|write|make me|give me|show me|tell me how)\b",
        // "Can you…?" in the other languages of the decline lists: a request in a question's form.
        r"\b(?:puedes|puede usted|podrias|podria usted|pouvez-vous|peux-tu|pourriez-vous|pourrais-tu|konnen sie|kannst du|konnten sie|konntest du|potete|puoi|potresti|potrebbe|kunt u|kun je|kan je|mozesz|mozecie|czy mozna|muzete|mozete|podes|pode me|poderia|voce pode|kan ni|kan du|kan dere|voitko|voisitko|bisakah|apakah bisa|[a-z]+(?:abilir|ebilir) misin(?:iz)?)\b",
        // "What chemicals can I mix to…?" asks how to do something, in a question of fact's words.
        r"\b(?:can|could|should|would) i (?:mix|make|build|use|get|buy|take|combine|hack|break|bypass|access|find|track)\b|\bto (?:make|build|brew|cook|synthesi[sz]e) (?:a|an|my|your|some|homemade|at home)\b",
    ])
});

/// A first-person no in a text to translate: "I can't attend", "we're unable to", "sorry".
static WRITERS_NO_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:i|we)(?:'m| am|'re| are)? (?:can'?t|cannot|won'?t|will not|unable|not able|not going to|must decline|have to decline)\b|\b(?:sorry|unfortunately)\b",
    ])
});

static TRANSLATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:translate|translation|how (?:do|would) (?:you|i) say|traduis|traduire|traduction|ubersetz[a-z]*|traduce|traducir|traduza|traduzir|tradurre|traduci)\b",
        r"\b(?:vertaal|vertalen|vertaling|oversatt|oversaett|oversett|oversaet|przetlumacz[a-z]*|prelozit|preloz|tradu[ck]ere|tercume|cevir[a-z]*|terjemah[a-z]*|dich sang|kaannos|kaanna|kaantaa|forditsd|lefordit[a-z]*)\b",
    ])
});

/// A whole prompt of greeting, thanks or apology, in the languages of the decline lists.
static SMALL_TALK_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\A[\s\W]*(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|thanks|thank you|thx|ty|cheers|i'?m sorry|sorry|my bad|apologies|hola|gracias|perdon|bonjour|salut|merci|pardon|desole|hallo|servus|moin|danke|entschuldigung|ciao|grazie|scusa|ola|obrigad[oa]|desculpa|hej|tak|takk|tack|ahoj|dzieki|czesc|merhaba|tesekkurler|halo|terima kasih|xin chao|chao ban|cam on)(?:[\s,!.]+(?:there|again|so much|a lot|very much|for (?:that|this|the help|your help|everything|being rude(?: earlier)?|the delay)|that (?:worked|helped)|it worked|assistant|bot|everyone|all|mate|buddy|friend|team|earlier|beaucoup|mille|vielmals|schon|sehr|muchas|mil|tante|ban|anh|chi|you|ya))*[\s\W]*\z",
    ])
});

/// Whether the prompt holds one of `words`, which are all in non-Latin scripts (the folded
/// prompt has lost them), so a prompt in plain ASCII is not searched at all.
fn any_word_in(source: &str, words: &[&str]) -> bool {
    !source.is_ascii() && words.iter().any(|word| source.contains(word))
}

/// Declining, refusing, "I won't make it", "I can't come", in scripts the ASCII fold cannot
/// spell, looked for in the prompt as written.
const DECLINING_WORDS: &[&str] = &[
    "відмов",
    "отказ",
    "не встигну",
    "не зможу",
    "не смогу",
    "не успею",
    "не прийду",
    "не приду",
    "ปฏิเสธ",
    "ไม่สามารถไป",
    "断り",
    "断る",
    "断れ",
    "نمیتونم",
    "نمی‌تونم",
    "نمی‌توانم",
    "辞退",
    "거절",
    "못 가",
    "拒绝",
    "拒絕",
    "婉拒",
    "去不了",
    "رفض",
    "اعتذار",
    "इनकार",
    "मना कर",
    "नहीं आ",
    "לא אוכל",
    "לא יכול",
    "לסרב",
    "δεν θα μπορέσω",
    "αρνηθ",
];

/// A message, a letter or "write", in those scripts.
const TEXT_REQUEST_WORDS: &[&str] = &[
    "напиши",
    "написать",
    "напишіть",
    "напишите",
    "лист",
    "письмо",
    "повідомлення",
    "сообщение",
    "เขียน",
    "ข้อความ",
    "メール",
    "手紙",
    "文面",
    "書いて",
    "메시지",
    "편지",
    "이메일",
    "写一",
    "寫一",
    "邮件",
    "郵件",
    "消息",
    "訊息",
    "رسالة",
    "اكتب",
    "पत्र",
    "संदेश",
    "מייל",
    "מכתב",
    "הודעה",
    "γράψε",
    "μήνυμα",
    "پیام",
    "نامه",
    "بنویس",
];

/// "Translate" in scripts the ASCII fold cannot spell, looked for in the prompt as written.
const TRANSLATE_WORDS: [&str; 9] = ["翻译", "翻譯", "翻訳", "번역", "अनुवाद", "ترجم", "перевед", "переклад", "μετάφρασ"];

static CREATIVE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:poem|story|stories|song|lyrics|haiku|limerick|sonnet|monologue|scene|screenplay|dialogue|rap|verse|fiction|novel|tale|fable|speech|toast|villain|diary entry|gedicht|geschichte|poeme|histoire|chanson|poema|cuento|historia|cancion|poesia|racconto|storia|canzone|conto)\b",
        r"\b(?:poveste|povestire|poezie|verhaal|sprookje|opowiadanie|bajk[aei]|wiersz|pohadk[ay]|pribeh|basen|tarina|satu|runo|mese|vers|hikaye|masal|siir|cerita|dongeng|puisi|truyen|bai tho|saga|eventyr|dikt)\b",
    ])
});

#[cfg(test)]
pub(super) fn compiled() -> [&'static Regex; 13] {
    [
        &SMALL_TALK_RE,
        &WRITERS_NO_RE,
        &WRITING_RE,
        &FACT_QUESTION_RE,
        &HOW_TO_RE,
        &TRANSLATE_RE,
        &CREATIVE_RE,
        &YES_NO_RE,
        &DECLINING_RE,
        &TEXT_REQUEST_RE,
        &COMPOUND_RE,
        &ASKS_FOR_SOMETHING_RE,
        &CODE_REQUEST_RE,
    ]
}
