//! A service's no in impersonal words: "Package Intercept is only available for domestic
//! shipments… so it can't be intercepted", "Payments are non-refundable", "eine Kündigung
//! zum Monatsende ist nicht möglich", "no puede tramitarse para reembolso". Deployed bots
//! refuse this way far more often than with "I can't": the rule or the state of the account
//! is the reason, and the asked-for act is said to be impossible, unavailable or not allowed.
//!
//! Such a sentence is also how facts are told ("Water can't be compressed much", "Deleted
//! files can't be recovered after 30 days"), so it declines only when the prompt asked for
//! something to be done (not a yes/no or fact question) and the sentence names what was asked,
//! sharing a word with the request ("Close my savings account" → "Accounts with pending
//! transactions can't be closed yet"); and only in the reply's opening sentences, where a
//! service says whether it did the thing, before anything else.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::reading::Reading;
use super::scripts::ScriptPatterns;
use crate::cues::ascii_alternation;
use crate::text::{FoldOptions, Folded, has_non_latin_letters, sentence_around};

/// Bytes of the reply's opening in which the impossibility must start.
const OPENING: usize = 420;

/// The opening sentence that says the asked-for act is impossible or not allowed, when it
/// names what was asked.
pub(super) fn impersonal_no(reading: &Reading<'_>) -> Option<Range<usize>> {
    let asked = reading.asked();
    if !asks_for_an_act(asked) {
        return None;
    }
    let text = reading.text();
    NOT_POSSIBLE_RE.find_iter(text).take_while(|m| m.start() < OPENING).map(|m| m.range()).find(|found| {
        let sentence = sentence_around(text, found.clone());
        let in_code = text.get(..found.start).is_some_and(|before| before.matches("```").count() % 2 == 1);
        let before = text.get(..found.start).unwrap_or("");
        !in_code
            && !reading.is_framed(found)
            && !DONE_RE.is_match(before)
            && text.get(sentence).is_some_and(|s| {
                let warns_it_is_final = IRREVERSIBLE_RE.is_match(s) && !asked.folded_prompt().is_some_and(|p| UNDO_REQUEST_RE.is_match(p));
                !hypothetical(s) && !warns_it_is_final && !EXCEPTION_RE.is_match(s) && asked.shares_a_word(s)
            })
    })
}

/// [`impersonal_no`] for a reply in a script the ASCII fold cannot read ("無法掛號", "لا يمكن
/// إتمام التجديد", "нет технической возможности"): matched on the lowercased reply, linked to
/// the request by a shared word or, in Chinese and Japanese, a shared pair of characters. The
/// range is in the reply as sent.
pub(super) fn impersonal_no_non_latin(reading: &Reading<'_>) -> Option<Range<usize>> {
    let asked = reading.asked();
    let source = reading.source();
    if !asks_for_an_act(asked) || !has_non_latin_letters(source) {
        return None;
    }
    // The prompt's own words in its script: asking how, why, what or whether ("怎么…？",
    // "Χρειάζομαι βίζα…;"; "可以全額退款嗎？" and "هل يمكنك…" ask for an act), or a request
    // to write something ("напиши шаблон", "اكتب رسالة", "写一个", "メールを書いて").
    let prompt = asked.source_prompt().unwrap_or("").to_lowercase();
    let question = INFORMATION_WORDS.iter().any(|word| prompt.contains(*word)) || source.trim_start().starts_with("```");
    if question || WRITING_WORDS.iter().any(|word| prompt.contains(*word)) || asked.quotes_a_decline() {
        return None;
    }
    let lower = Folded::new(source, FoldOptions::LOWER_PLAIN_PROSE);
    let text = lower.as_str();
    let found = NON_LATIN_NOT_POSSIBLE.find_iter(text).into_iter().take_while(|r| r.start < OPENING_NON_LATIN).find(|found| {
        let sentence = sentence_around(text, found.clone());
        let in_code = source.get(..lower.source_range(found.clone()).start).is_some_and(|before| before.contains("```"));
        let said_yes = text.get(..found.start).is_some_and(|before| DONE_WORDS.iter().any(|word| before.contains(*word)));
        !in_code && !said_yes && text.get(sentence).is_some_and(|s| asked.shares_a_word_in_any_script(s))
    })?;
    Some(lower.source_range(found))
}

/// Words of prompts in other scripts asking for a text to be written: a decline in the reply
/// is then that text.
const WRITING_WORDS: &[&str] = &[
    "напиши",
    "напишите",
    "шаблон",
    "письмо",
    "сообщение",
    "текст",
    "напиш",
    "лист",
    "повідомлення",
    "اكتب",
    "تكتب",
    "رسالة",
    "نموذج",
    "בכתוב",
    "תכתוב",
    "כתוב",
    "מכתב",
    "הודעה",
    "लिख",
    "संदेश",
    "पत्र",
    "写",
    "寫",
    "模板",
    "邮件",
    "郵件",
    "信",
    "書いて",
    "メール",
    "文面",
    "言い方",
    "手紙",
    "써 줘",
    "써줘",
    "작성",
    "메일",
    "편지",
    "문구",
    "γράψε",
    "μήνυμα",
    "επιστολή",
    "เขียน",
    "لکھ",
    "میسج",
    "پیغام",
    "بنویس",
    "پیام",
];

/// The reply saying yes or done before any "not possible", in other scripts ("可以帮你梳理流程
/// 呀！…个人不能直接去使馆", "Готово! … не возвращается"): the limit is about something else.
const DONE_WORDS: &[&str] = &[
    "可以帮",
    "可以幫",
    "好的",
    "没问题",
    "沒問題",
    "已为您",
    "已為您",
    "已帮您",
    "已幫您",
    "已取消",
    "已完成",
    "已办理",
    "已辦理",
    "承知",
    "完了しました",
    "かしこまりました",
    "네,",
    "네 ",
    "알겠습니다",
    "완료",
    "готово",
    "выполнено",
    "сделано",
    "відключено",
    "виконано",
    "تم ",
    "تمّ",
    "בוצע",
    "हो गया",
    "कर दिया",
    "ολοκληρώθηκε",
    "έγινε",
    "เรียบร้อย",
    "انجام شد",
    "முடிந்தது",
];

/// Words of information questions in other scripts (not the yes/no particles that also make
/// requests: 吗, هل, האם).
const INFORMATION_WORDS: &[&str] = &[
    "怎么",
    "怎麼",
    "怎样",
    "怎樣",
    "如何",
    "为什么",
    "為什麼",
    "什么",
    "什麼",
    "哪",
    "多少",
    "どう",
    "なぜ",
    "何",
    "どこ",
    "いつ",
    "いくら",
    "어떻게",
    "왜",
    "무엇",
    "뭐",
    "어디",
    "언제",
    "얼마",
    "как ",
    "почему",
    "зачем",
    "что ",
    "где",
    "когда",
    "сколько",
    "нужна ли",
    "нужно ли",
    "нужен ли",
    "як ",
    "чому",
    "що ",
    "де ",
    "коли",
    "скільки",
    "كيف",
    "لماذا",
    "ماذا",
    "ما هو",
    "ما هي",
    "أين",
    "متى",
    "كم ",
    "איך",
    "למה",
    "מה ",
    "איפה",
    "מתי",
    "כמה",
    "कैसे",
    "क्यों",
    "कहाँ",
    "कब",
    "कितना",
    "कितने",
    "πώς",
    "γιατί",
    "τι ",
    "πού",
    "πότε",
    "πόσο",
    "χρειάζομαι",
    "อย่างไร",
    "ทำไม",
    "อะไร",
    "ที่ไหน",
    "เมื่อไร",
    "เท่าไร",
    "چطور",
    "چرا",
    "کجا",
    "چند",
    "কীভাবে",
    "কেন",
    "எப்படி",
    "ஏன்",
    "ఎలా",
    "ఎందుకు",
    "कसे",
    "का ",
    "როგორ",
    "რატომ",
    "ինչպես",
    "ինչու",
    "እንዴት",
    "ለምን",
];

/// Bytes of the opening for scripts of two or three bytes a character.
const OPENING_NON_LATIN: usize = 900;

/// Whether the prompt asks for an act to be done for the asker (see [`impersonal_no`]).
fn asks_for_an_act(asked: &super::asked::Asked<'_>) -> bool {
    let settled = asked.yes_no || asked.factual || asked.translates || asked.small_talk || asked.creative;
    asked.request && !settled && !asked.may_want_a_letter && !asked.decline_text && asked.asks_for_an_act()
}

/// "If the code has expired, it can't be applied": a condition, not the answer.
fn hypothetical(sentence: &str) -> bool {
    let start = sentence.split_whitespace().next().unwrap_or("");
    matches!(start, "if" | "when" | "unless" | "whenever" | "si" | "wenn" | "falls" | "se" | "als" | "jesli" | "jezeli")
}

/// A rule stated as the usual case before an exception ("Normally these fares can't be refunded, but I checked…"), or the
/// good news first: not a no.
static EXCEPTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:normally|usually|ordinarily|generally|typically|in general|good news|yes)\b|\b(?:but|however),? (?:i|we)(?:'ve| have)? (?:checked|made|can|'ll|will|did|went ahead|processed|approved)\b|\bmade an exception\b",
        r"\b(?:normalmente|habitualmente|normalement|d'habitude|normalerweise|ublicherweise|di solito|gewoonlijk|normaal|zwykle|normalnie|vanligtvis|normalt|biasanya|genellikle|normalde)\b",
    ])
});

/// "This can't be undone": a warning that the act is final, unless undoing is what was asked.
static IRREVERSIBLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:undone|reversed|recovered|reverted|reopened|restored afterwards|deshacer|desfazer|annuler|ruckgangig|annullare|ongedaan|cofnac)\b",
    ])
});

/// A request to undo something: "can't be reversed" then answers it.
static UNDO_REQUEST_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:undo|reverse|recover|revert|restore|reopen|unsend|get back|deshacer|desfazer|annuler|ruckgangig|annullare|ongedaan|cofnij)",
    ])
});

/// The reply says it did the act before any "not possible" ("Booked! … on-site parking isn't
/// available", "I've renewed all 3 of your loans. E-book loans can't be renewed from here"):
/// the limit is about something else.
static DONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        r"\b(?:done|all done|all set|booked|added|sorted|confirmed|completed|(?:i|we)(?:'ve| have)? (?:renewed|refunded|booked|added|changed|updated|cancell?ed|moved|unlocked|ordered|placed|sent|applied|extended|blocked|reset|skipped|closed|issued|credited|raised|waived|fixed|restored|scheduled|rescheduled|transferred)|(?:has|have|is|are) been (?:renewed|refunded|booked|added|changed|updated|cancell?ed|moved|unlocked|ordered|placed|sent|applied|extended|blocked|reset|closed|skipped|confirmed|issued|credited|raised|waived|fixed|restored|scheduled|rescheduled|transferred)|is (?:now )?(?:unlocked|confirmed|booked|skipped|cancell?ed|closed|active|on its way))\b",
        r"\b(?:hecho|listo|feito|pronto|c'est fait|erledigt|gemacht|fatto|gelukt|klaar|gotowe|zrobione|klart|tamam|tamamlandi|selesai|berhasil)\b|\bsudah (?:saya |kami )?(?:ubah|ganti|proses|batalkan|kirim|perpanjang|kembalikan|aktifkan|pesan)\b",
    ])
});

/// Impersonal impossibility, refusal of eligibility, or a service's "we can't", on the
/// ASCII-folded reply, in the languages of the decline lists.
static NOT_POSSIBLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_alternation(&[
        // "can't be intercepted", "can no longer be changed", "can only be unlocked once…",
        // "cannot be manually reset".
        r"\b(?:can'?t|cannot|can not|couldn'?t|could not|won'?t|will not) (?:be|get) (?:[a-z]+ly )?(?:[a-z]+(?:ed|en|wn|ne|lt|de)|(?:re)?set|put|cut|paid|sent|held|sold|kept|read|split|shut|lost|bought|found)\b",
        r"\bcan (?:no longer|only) be (?:[a-z]+ly )?(?:[a-z]+(?:ed|en|wn|ne|lt|de)|(?:re)?set|put|cut|paid|sent|held|sold|kept|read|split|shut|lost|bought|found)\b",
        r"\b(?:is|are|was|were)(?:n'?t| not)(?: currently| yet| always)? (?:possible|available|eligible|supported|allowed|permitted|included|refundable|transferable|covered|offered|granted|given|issued|provided|accepted|processed|refunded|approved|an option|something we (?:can |do |are able to )?[a-z]+)\b",
        r"\b(?:is|are) (?:non-?refundable|non-?transferable|ineligible|not eligible|only (?:available|possible|valid|offered|allowed|given|released|shared|issued) (?:for|to|on|in|with|within|after|once|when|by|at))\b",
        r"\b(?:the |our )?system (?:won'?t|will not|doesn'?t|does not|can'?t|cannot) (?:let|allow|accept|take|permit)\b|\bwe (?:don'?t|do not) have the (?:ability|option|means|access|authority) to\b|\b(?:isn'?t|is not|aren'?t|are not) able to\b|\bno longer (?:possible|available)\b|\bthere(?:'s| is| are)(?: no|n'?t an?| not an?) (?:[a-z-]+ ){0,2}(?:option|availability|way to|possibility)\b",
        // A service's "we": "we can't match that price", "we're unable to extend it".
        r"\bwe (?:can'?t|cannot|can not|are unable to|'re unable to|aren'?t able to|are not able to|don'?t|do not) (?:currently |unfortunately |always )?(?:[a-z]+ )?(?:offer|match|extend|issue|refund|reimburse|waive|accept|apply|change|cancel|process|reverse|restore|transfer|honou?r|approve|allow|provide|disclose|share|release|reset|unlock|hold|reserve|book|give|grant|raise|increase|lower|remove|store|recover|reinstate|reopen|exchange|replace)\b",
        // Spanish, Portuguese, Italian, French.
        r"\bno (?:es|sera|resulta) posible\b|\bno (?:se )?(?:puede|pueden|podemos|podra|podran) (?:ser )?[a-z]+(?:ar|er|ir|arse|erse|irse|ado|ada|ido|ida)\b|\bno (?:es|son) (?:reembolsable|transferible|elegible)s?\b",
        r"\bnao (?:e|sera) possivel\b|\bnao (?:pode|podem|podemos|conseguimos|podera) (?:ser )?[a-z]+(?:ar|er|ir|ado|ada|ido|ida)\b|\bnao (?:e|sao) (?:reembolsave(?:l|is)|transferive(?:l|is))\b",
        r"\bnon (?:e|sara) possibile\b|\bnon (?:e|sono) (?:previst[oaie]|consentit[oaie]|rimborsabil[ei])\b|\bnon (?:puo|possono|possiamo|potra) (?:essere )?[a-z]+(?:are|ere|ire|ato|ata|ati|ite|ito|ita|uto|uta)\b",
        r"\b(?:n'est|ne sont|ne sera|ne seront) (?:donc |malheureusement |helas )?(?:pas|plus) (?:possible|remboursables?|eligibles?|autorises?|autorisees?|disponibles?|cessibles?|transferables?)\b|\bne (?:peut|peuvent|pouvons|pourra) (?:pas|plus) (?:etre )?[a-z]+(?:er|ir|re|e|ee|es|ees|is|ie)\b|\bje ne (?:peux|pourrai) (?:donc |malheureusement |helas )?pas\b",
        // German, Dutch.
        r"\b(?:ist|sind|war) (?:[a-z]+ ){0,4}?(?:nicht|nicht mehr|kein[e]?) (?:moglich|erstattungsfahig|ubertragbar|verfugbar|zulassig)\b|\b(?:kann|konnen) (?:leider |daher |deshalb )?nicht (?:mehr )?[a-z]+ werden\b|\b(?:kann|konnen) (?:ich|wir) (?:[a-z]+ ){0,3}?(?:nicht|keine?n?) [a-z]+(?:en|ern|eln)\b",
        r"\b(?:is|zijn) (?:helaas )?(?:niet|niet meer) (?:mogelijk|beschikbaar|toegestaan)\b|\bkan (?:helaas )?(?:niet|niet meer) (?:worden )?[a-z]+(?:en|d|t)\b|\b[a-z]+en kan (?:helaas )?niet(?: meer)?\b",
        // Polish, Czech, Slovak, Romanian, Hungarian.
        r"\bnie (?:mozna|da sie|jest (?:to )?mozliwe|jest (?:to )?mozliwa|ma (?:takiej )?mozliwosci)\b|\bsystem nie (?:pozwala|przyjmie|przyjmuje)\b|\bnie (?:mozemy|moge|mozna) [a-z]+(?:c|ac|ic|yc)\b",
        r"\b(?:neni|nie je) (?:to )?(?:mozna|mozne|mozny|mozny)\b|\bnelze\b|\bnemozeme\b|\bnemuzeme\b",
        r"\bnu (?:este|e|mai este) posibil[a]?\b|\bnu (?:putem|pot|se poate|se pot)\b|\bnem (?:lehet|tudjuk|tudom)\b",
        // Swedish, Danish, Norwegian, Finnish.
        r"\b(?:gar|går) (?:tyvarr |dessvarre )?inte att\b|\b(?:ar|är) (?:tyvarr )?inte (?:mojligt|mojlig|tillatet|tillatna?|tillgangligt)\b|\b(?:er|kan) (?:desvaerre |dessverre |dessvaerre )?ikke (?:muligt|mulig|tilladt|tillatt|lov)\b",
        r"\bei (?:voi|voida|ole mahdollista|ole saatavilla)\b|\ben (?:voi|pysty)\b",
        // Turkish ("mümkün değil", "sunamıyorum"), Indonesian and Malay, Tagalog, Vietnamese,
        // Swahili.
        r"\bmumkun degil\b|\b[a-z]+(?:amiyorum|emiyorum|amiyoruz|emiyoruz|ilemez|ilamaz|ulamaz|ulemez|namaz|nemez|amayiz|emeyiz|ilamiyor|ilemiyor|ulamiyor|ulemiyor|namiyor|nemiyor)\b",
        r"\btidak (?:bisa|dapat) (?:[a-z]+ )?di[a-z]+\b|\btidak (?:memungkinkan|tersedia)\b|\bhindi (?:po )?(?:ito |namin |ko )?(?:maaaring|pwedeng|puwedeng|kayang|magagawa)\b|\bkhong the\b|\b(?:haiwezekani|hatuwezi|haiwezi)\b",
    ])
});

/// Impersonal impossibility and a service's "we can't" in scripts with no ASCII spelling,
/// on the lowercased reply.
static NON_LATIN_NOT_POSSIBLE: LazyLock<ScriptPatterns> = LazyLock::new(|| {
    ScriptPatterns::new(&[
        // Russian, Ukrainian, Bulgarian, Serbian.
        r"(?:невозможно|не может быть|не могут быть|не можем|нет (?:технической )?возможности|не (?:восстанавливает|восстанавливаем|возвращаем|возвращается|предоставляем|предоставляется|раскрываем|разглашаем|передаём|передаем|выдаём|выдаем|принимаем)|не подлежит|не подлежат|недоступ[а-я]*|неможливо|не може бути|не можемо|немає (?:технічної )?можливості|не (?:розголошуємо|надаємо|повертаємо|відновлюємо|приймаємо|передаємо)|не підлягає|недоступн[а-я]*|не е възможно|не може да бъде|не можем да|није могуће|не можемо да|не получится|не повертається|не повертаються|не возвращается|не возвращаются|(?:предоставля[а-я]*|выда[её]тся|выдаются|сообщается|надається|надаються) только|только (?:при |после |владельц|страховател|держател|получател|отправител|абонент)|(?:се )?предоставя само|само на (?:подателя|получателя|титуляра))",
        // Greek, Hebrew, Arabic, Persian.
        r"(?:δεν (?:μπορεί|μπορούν|μπορούμε|είναι δυνατ|επιτρέπεται|παρέχ|δίνουμε)|δεν υπάρχει δυνατότητα|לא ניתן|אין אפשרות|איננו יכולים|אנחנו לא יכולים|לא נוכל|אינו מזכה|אינה מזכה|איננו מוסרים|לא נמסר|لا يمكن|لا نستطيع|لا يمكننا|غير ممكن|غير متاح|لا يحق|لا تتوفر|لا يتوفر|تعذر|لا نقدم|لا نشارك|امکان\s?پذیر نیست|نمی\s?توان|امکان ندارد|مشمول[^.،\n]{0,30}نیست|نہیں کی جا سکتی|نہیں کیا جا سکتا|ممکن نہیں|հնարավոր չէ|არ ბრუნდება|შეუძლებელია|ვერ (?:მოხერხდება|დავაბრუნებთ|გავცემთ|მოგაწვდით)|አንችልም|አይቻልም)",
        // Hindi, Marathi, Bengali, Tamil, Telugu.
        r"(?:नहीं किया जा सकता|नहीं की जा सकती|नहीं किए जा सकते|संभव नहीं|नहीं कर सकते|उपलब्ध नहीं|नहीं दिया जा सकता|नहीं दी जा सकती|साझा नहीं किया जा सकता|वापस नहीं की जा सकती|शक्य नाही|करता येणार नाही|পারি না|সম্ভব নয়|করা যাবে না|দেওয়া যাবে না|முடியாது|இயலாது|மட்டுமே வழங்கப்படும்|సాధ్యం కాదు|చేయలేము|కుదరదు|नहीं दिया जाता|नहीं दी जाती|नहीं हो पाएगा|नहीं हो पाएगी|जात नाही|मिळणार नाही|शक्य नाही)",
        // Chinese, Japanese, Korean, Thai.
        r"(?:无法|無法|不能|不可以|不可(?:退|改|取消|转|轉|更改|退票|退款)|不予|恕不|仅(?:能|限)|僅(?:能|限)|只能(?:由|提供给|提供給|本人)|不支持|不支援|不提供|已额满|已額滿|不适用|不適用|できません|いたしかねます|致しかねます|できかねます|対象外|ご利用いただけません|受け付けておりません|할 수 없|불가능|불가합니다|어렵습니다|드릴 수 없|제공하지 않|해당되지 않|ไม่สามารถ|ไม่ได้รับอนุญาต)",
    ])
});
