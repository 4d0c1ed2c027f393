//! What a scan runs: harnesses of the probe library, optional converters, repeats and a limit,
//! the judge and attacker targets. A suite expands lazily into jobs, so an evaluation of any
//! size is streamed into the store, never held in memory.

use std::borrow::Cow;
use std::sync::Arc;

use assay_core::{CustomProbe, JobSlice, NewJob, ProbeVariant};
use assay_probes::{Converter, DETECTORS, DetectorUse, Harness, Library, Probe, Strategy};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::item::{ProbeItemJson, TestItem};

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    pub harnesses: Vec<Harness>,
    /// Each probe prompt runs as written and once through each of these converters.
    #[serde(default)]
    pub converters: Vec<String>,
    /// Only these probes (ids), when given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<String>,
    /// Runs of every prompt: replies vary, so repeats measure how often a target fails.
    #[serde(default = "one")]
    pub repeat: u32,
    /// At most this many tests per target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The target `llm-judge` detectors ask; without one they are skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<String>,
    /// The target that drives crescendo attacks; without one those probes are left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attacker: Option<String>,
    /// Reply length cap sent with every call; a verdict rarely needs more than the opening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Sampling settings sent with every call (the target's defaults otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// At most this many prompts of each probe, spread evenly over its list (a sample that
    /// still covers every probe, unlike `limit`, which cuts the suite's tail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_probe: Option<u32>,
    /// The team's own variants of library probes: prompts and detectors in place of the
    /// library's, or the probe left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<ProbeVariant>,
    /// The team's custom harnesses to run after the library's, their probes carried whole so
    /// a resumed or re-read evaluation runs and reports exactly what was planned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<CustomRun>,
}

/// A custom harness as a suite runs it: its probes' tests are reported under the harness
/// `custom` and the scenario `scenario` (the harness's uuid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomRun {
    /// The harness config id the evaluation named (`assay.harnesses.<uuid>`).
    pub config_id: String,
    /// The harness's uuid.
    pub scenario: String,
    pub version: String,
    pub name: String,
    pub description: String,
    pub probes: Vec<CustomProbe>,
}

/// The harness name under which custom probes' tests are stored.
pub const CUSTOM_HARNESS: &str = "custom";

impl Suite {
    pub fn new(harnesses: Vec<Harness>) -> Self {
        Self {
            harnesses,
            converters: Vec::new(),
            probes: Vec::new(),
            repeat: 1,
            limit: None,
            judge: None,
            attacker: None,
            max_tokens: None,
            temperature: None,
            top_p: None,
            per_probe: None,
            variants: Vec::new(),
            custom: Vec::new(),
        }
    }

    /// Refuses what cannot run: no harness, an unknown converter or probe, zero repeats.
    pub fn validate(&self) -> Result<(), Error> {
        if self.harnesses.is_empty() && self.custom.is_empty() {
            return Err(Error::InvalidSuite("choose at least one harness".into()));
        }
        if self.repeat == 0 {
            return Err(Error::InvalidSuite("repeat must be at least 1".into()));
        }
        self.converters()?;
        let library = Library::builtin();
        if let Some(unknown) = self.probes.iter().find(|id| library.get(id).is_none()) {
            return Err(Error::InvalidSuite(format!("unknown probe {unknown:?}")));
        }
        self.variants.iter().try_for_each(|variant| check_variant(variant).map_err(Error::InvalidSuite))?;
        self.custom.iter().flat_map(|run| &run.probes).try_for_each(|probe| check_custom_probe(probe).map_err(Error::InvalidSuite))
    }

    fn converters(&self) -> Result<Vec<Arc<dyn Converter>>, Error> {
        self.converters.iter().map(|name| assay_probes::converter(name).map_err(|e| Error::InvalidSuite(e.to_string()))).collect()
    }

    /// The tests of this suite for one target, in a stable order.
    pub fn items(&self) -> Result<impl Iterator<Item = TestItem> + use<>, Error> {
        self.walk(
            |probe, harness| (probe, harness),
            |(probe, harness), prompt, converters| {
                std::iter::once(None)
                    .chain(converters.iter().map(|c| Some(c.as_ref())))
                    .map(|converter| {
                        let mut item = TestItem::from_probe(probe, prompt, converter);
                        if item.harness != *harness {
                            item.harness = (*harness).to_owned();
                        }
                        item
                    })
                    .collect()
            },
        )
    }

    /// Each probe's prompts in suite order, repeated, up to the limit: `for_probe` prepares
    /// what a probe's tests share (once per probe and repeat), `tests` makes the tests of one
    /// prompt (the prompt as written, then through each converter).
    fn walk<S, T, P, F>(&self, for_probe: P, tests: F) -> Result<impl Iterator<Item = T> + use<S, T, P, F>, Error>
    where
        P: Fn(Cow<'static, Probe>, &'static str) -> S + Clone + 'static,
        F: Fn(&S, &str, &[Arc<dyn Converter>]) -> Vec<T> + Clone + 'static,
        S: 'static,
        T: 'static,
    {
        self.validate()?;
        let converters = self.converters()?;
        let harnesses = self.harnesses.clone();
        let only: Vec<String> = self.probes.clone();
        let with_attacker = self.attacker.is_some();
        let library = Library::builtin();
        let variants = &self.variants;
        // Each probe with the harness name its tests are stored under.
        let probes: Vec<(Cow<'static, Probe>, &'static str)> = harnesses
            .iter()
            .flat_map(|harness| library.probes().iter().filter(move |probe| probe.harness == *harness))
            .filter(|probe| only.is_empty() || only.contains(&probe.id))
            .filter(|probe| with_attacker || matches!(probe.strategy, Strategy::SingleTurn))
            .filter_map(|probe| with_variant(probe, variants))
            .map(|probe| {
                let harness = probe.harness.as_str();
                (probe, harness)
            })
            .chain(self.custom.iter().flat_map(|run| run.probes.iter().map(|probe| (Cow::Owned(custom_probe(run, probe)), CUSTOM_HARNESS))))
            .collect();
        let repeat = self.repeat;
        let limit = self.limit.unwrap_or(u64::MAX);
        let per_probe = self.per_probe;
        let items = (0..repeat).flat_map(move |_| {
            let converters = converters.clone();
            let (for_probe, tests) = (for_probe.clone(), tests.clone());
            probes.clone().into_iter().flat_map(move |(probe, harness)| {
                let converters = converters.clone();
                let tests = tests.clone();
                let prompts: Vec<String> = sample(&probe.prompts, per_probe).cloned().collect();
                let shared = for_probe(probe, harness);
                prompts.into_iter().flat_map(move |prompt| tests(&shared, &prompt, &converters))
            })
        });
        Ok(items.take(usize::try_from(limit).unwrap_or(usize::MAX)))
    }

    /// The jobs of this suite on `targets` targets: every test on target 0, then on 1, …
    /// Each item is written straight to JSON (see [`ProbeItemJson`]); a test whose item cannot
    /// be written is left out, as when the item was built first.
    pub fn jobs(&self, targets: u32) -> Result<impl Iterator<Item = NewJob> + use<>, Error> {
        let suite = self.clone();
        self.validate()?;
        let mut seq: i64 = -1;
        let per_target = (0..targets).flat_map(move |target_index| {
            suite.encoded_items().into_iter().flatten().map(move |(item, slice)| (target_index, item, slice))
        });
        Ok(per_target.filter_map(move |(target_index, item, slice)| {
            let text = item?;
            seq += 1;
            Some(NewJob { seq, target_index, item: text, slice: Some(slice) })
        }))
    }

    /// Each test's item as JSON (`None` where it cannot be written: then neither could the
    /// [`TestItem`], whose fields these are), with the slice it counts under.
    fn encoded_items(&self) -> Result<impl Iterator<Item = (Option<String>, JobSlice)> + use<>, Error> {
        self.walk(
            |probe, harness| {
                let encoder = ProbeItemJson::new(&probe, harness).ok();
                (probe, harness, encoder)
            },
            |(probe, harness, encoder), prompt, converters| {
                let slice = JobSlice { probe_id: probe.id.clone(), harness: (*harness).to_owned(), scenario: probe.scenario.clone() };
                std::iter::once(None)
                    .chain(converters.iter().map(|c| Some(c.as_ref())))
                    .map(|converter| (encoder.as_ref().and_then(|encoder| encoder.item(probe, prompt, converter).ok()), slice.clone()))
                    .collect()
            },
        )
    }

    /// The generation parameters every call of this suite carries.
    pub fn generation_params(&self) -> assay_core::GenerationParams {
        assay_core::GenerationParams {
            max_tokens: self.max_tokens,
            temperature: self.temperature,
            top_p: self.top_p,
            ..assay_core::GenerationParams::default()
        }
    }

    /// How many tests one target gets (walks the suite once; nothing is kept).
    pub fn count(&self) -> Result<u64, Error> {
        Ok(self.items()?.count() as u64)
    }
}

/// Detectors that read parameters a probe gives them; a variant may keep them (with the
/// probe's parameters) but not add them.
pub const PARAMETERISED: &[&str] = &["substring", "regex", "json-schema", "similarity", "llm-judge"];

/// Whether a custom probe can run: prompts that say something, detectors assay has.
pub fn check_custom_probe(probe: &CustomProbe) -> Result<(), String> {
    if probe.prompts.is_empty() || probe.prompts.len() > 1000 {
        return Err(format!("probe {:?}: prompts must hold 1 to 1000 prompts", probe.name));
    }
    if probe.prompts.iter().any(|p| p.trim().is_empty() || p.len() > 20_000) {
        return Err(format!("probe {:?}: every prompt must be 1 to 20000 characters and not blank", probe.name));
    }
    if probe.detectors.is_empty() {
        return Err(format!("probe {:?} names no detector", probe.name));
    }
    match probe.detectors.iter().find(|d| !DETECTORS.contains(&d.id.as_str())) {
        Some(unknown) => Err(format!("probe {:?}: unknown detector {:?}", probe.name, unknown.id)),
        None => Ok(()),
    }
}

/// A custom probe in the library's shape, so its tests are planned like any other's.
fn custom_probe(run: &CustomRun, probe: &CustomProbe) -> Probe {
    Probe {
        id: probe.id.clone(),
        name: probe.name.clone(),
        description: probe.description.clone(),
        // A placeholder: `items` stores the tests under the harness `custom`.
        harness: Harness::Security,
        scenario: run.scenario.clone(),
        owasp: Vec::new(),
        prompts: probe.prompts.clone(),
        detectors: probe
            .detectors
            .iter()
            .map(|d| DetectorUse { id: d.id.clone(), params: d.params.clone(), hit_means: d.hit_means })
            .collect(),
        safe_behaviour: probe.safe_behaviour.clone(),
        triggers: probe.triggers.clone(),
        context: None,
        system: None,
        strategy: Strategy::SingleTurn,
    }
}

/// Whether a team's variant can run: a library probe, prompts that say something, detectors
/// assay has (and, of those that need parameters, only the probe's own). The message says
/// what is wrong.
pub fn check_variant(variant: &ProbeVariant) -> Result<(), String> {
    let probe = Library::builtin().get(&variant.probe_id).ok_or_else(|| format!("unknown probe {:?}", variant.probe_id))?;
    if let Some(prompts) = &variant.prompts {
        if prompts.is_empty() || prompts.len() > 1000 {
            return Err("prompts must hold 1 to 1000 prompts".into());
        }
        if prompts.iter().any(|p| p.trim().is_empty() || p.len() > 20_000) {
            return Err("every prompt must be 1 to 20000 characters and not blank".into());
        }
    }
    if let Some(detectors) = &variant.detectors {
        if detectors.is_empty() {
            return Err("detectors must name at least one detector".into());
        }
        for id in detectors {
            if !DETECTORS.contains(&id.as_str()) {
                return Err(format!("unknown detector {id:?}; see GET /v1/detectors"));
            }
            if PARAMETERISED.contains(&id.as_str()) && !probe.detectors.iter().any(|d| &d.id == id) {
                return Err(format!("detector {id:?} needs parameters this probe does not give it"));
            }
        }
    }
    Ok(())
}

/// The probe as the team runs it: the library's, its variant, or none when switched off.
fn with_variant(probe: &'static Probe, variants: &[ProbeVariant]) -> Option<Cow<'static, Probe>> {
    let Some(variant) = variants.iter().find(|v| v.probe_id == probe.id) else { return Some(Cow::Borrowed(probe)) };
    if !variant.enabled {
        return None;
    }
    if variant.prompts.is_none() && variant.detectors.is_none() {
        return Some(Cow::Borrowed(probe));
    }
    let mut own = probe.clone();
    if let Some(prompts) = &variant.prompts {
        own.prompts.clone_from(prompts);
    }
    if let Some(ids) = &variant.detectors {
        own.detectors = ids
            .iter()
            .map(|id| {
                probe.detectors.iter().find(|d| &d.id == id).cloned().unwrap_or(DetectorUse {
                    id: id.clone(),
                    params: serde_json::Value::Null,
                    hit_means: None,
                })
            })
            .collect();
    }
    Some(Cow::Owned(own))
}

/// `prompts`, or at most `per_probe` of them taken at even steps through the list (the
/// library orders a probe's prompts by template, so even steps sample every template).
fn sample(prompts: &[String], per_probe: Option<u32>) -> impl Iterator<Item = &String> {
    let len = prompts.len();
    let keep = per_probe.map_or(len, |n| (n as usize).min(len));
    (0..keep).map(move |i| &prompts[i * len / keep.max(1)])
}

#[cfg(test)]
mod tests {
    use assay_core::{CustomDetector, CustomProbe};
    use assay_probes::CONVERTERS;

    use super::*;

    /// Every built-in probe through every converter (crescendo ones too), a team's variant and
    /// a custom harness whose texts need escaping.
    fn everything() -> Suite {
        let custom = CustomProbe {
            id: "custom.h.1".to_owned(),
            name: "quotes".to_owned(),
            description: "d".to_owned(),
            category: "adherence".to_owned(),
            prompts: vec!["Say \"hi\"\n\tand \\ then ünïcode ✓".to_owned()],
            detectors: vec![CustomDetector {
                id: "substring".to_owned(),
                params: serde_json::json!({ "substrings": ["hi"] }),
                hit_means: None,
            }],
            safe_behaviour: String::new(),
            triggers: vec!["hi".to_owned()],
        };
        Suite {
            converters: CONVERTERS.iter().map(|c| (*c).to_owned()).collect(),
            attacker: Some("mock".to_owned()),
            variants: vec![ProbeVariant {
                probe_id: "security.injection.direct-override".to_owned(),
                enabled: true,
                prompts: Some(vec!["A \"team\" prompt".to_owned()]),
                detectors: Some(vec!["prompt-injection".to_owned(), "refusal".to_owned()]),
                updated_at: 0,
            }],
            custom: vec![CustomRun {
                config_id: "assay.harnesses.h".to_owned(),
                scenario: "h".to_owned(),
                version: "1".to_owned(),
                name: "n".to_owned(),
                description: "d".to_owned(),
                probes: vec![custom],
            }],
            ..Suite::new(Harness::ALL.to_vec())
        }
    }

    #[test]
    fn jobs_hold_the_json_of_each_test_item_byte_for_byte() {
        let suite = everything();
        let expected: Vec<(String, JobSlice)> = suite
            .items()
            .expect("items")
            .map(|item| {
                let slice = JobSlice { probe_id: item.probe_id.clone(), harness: item.harness.clone(), scenario: item.scenario.clone() };
                (serde_json::to_string(&item).expect("json"), slice)
            })
            .collect();
        assert!(expected.len() > 10_000, "{}", expected.len());
        let jobs: Vec<NewJob> = suite.jobs(2).expect("jobs").collect();
        assert_eq!(jobs.len(), 2 * expected.len());
        for (n, job) in jobs.iter().enumerate() {
            let (json, slice) = &expected[n % expected.len()];
            assert_eq!(job.seq, n as i64);
            assert_eq!(job.target_index, u32::from(n >= expected.len()));
            assert_eq!(&job.item, json, "job {n}");
            assert_eq!(job.slice.as_ref(), Some(slice), "job {n}");
        }
    }
}
