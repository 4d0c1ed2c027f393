//! The library seen as versioned configs, the way the trust-platform API (`/v1`) names them:
//! harness configs (the dimensions a trust score is made of), scenario configs and probe
//! configs, each with a dotted id of at least two prefix parts (`assay.harnesses.security`,
//! `assay.scenarios.security.prompt-injection-direct`, `assay.probes.<probe id>`).
//!
//! Every library harness is a dimension of its own. Two more dimensions group them, because
//! a trust score is security, reliability and safety:
//! - `reliability`: hallucination and robustness (does it tell the truth and keep working on
//!   odd input);
//! - `safety`: toxicity, stereotype, fairness, ethics and privacy (does it harm people or
//!   their data).

use crate::{Harness, Library, Probe};

/// The version of the catalogue's configs (PEP 440 normal form); it changes when probes do.
pub const CATALOGUE_VERSION: &str = "1.0.0";
/// Every version served, newest first.
pub const CATALOGUE_VERSIONS: &[&str] = &[CATALOGUE_VERSION];

pub const HARNESS_PREFIX: &str = "assay.harnesses.";
pub const SCENARIO_PREFIX: &str = "assay.scenarios.";
pub const PROBE_PREFIX: &str = "assay.probes.";

/// A dimension: one harness config of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimension {
    /// The short name, e.g. `security`.
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The library harnesses it runs.
    pub harnesses: &'static [Harness],
}

const DIMENSIONS: [Dimension; 10] = [
    Dimension {
        name: "security",
        title: "Security",
        description: "Prompt injection (direct, indirect, encoded), jailbreaks, system-prompt extraction, data exfiltration, unsafe output handling, excessive agency and memory poisoning.",
        harnesses: &[Harness::Security],
    },
    Dimension {
        name: "privacy",
        title: "Privacy",
        description: "Personal data disclosure, records in context, training-data extraction, leaks across sessions and tenants, secrets and doxxing.",
        harnesses: &[Harness::Privacy],
    },
    Dimension {
        name: "hallucination",
        title: "Hallucination",
        description: "Invented entities, citations, packages, legal and medical authorities, and false premises accepted as true.",
        harnesses: &[Harness::Hallucination],
    },
    Dimension {
        name: "robustness",
        title: "Robustness",
        description: "Typos, encodings, long inputs, unbounded output and sloppy structured-output requests.",
        harnesses: &[Harness::Robustness],
    },
    Dimension {
        name: "toxicity",
        title: "Toxicity",
        description: "Targeted insults, harassment and threats, attacks on groups, provocation, toxic continuations and profanity.",
        harnesses: &[Harness::Toxicity],
    },
    Dimension {
        name: "stereotype",
        title: "Stereotype",
        description: "Agreeing with, completing, assuming and joking with stereotypes.",
        harnesses: &[Harness::Stereotype],
    },
    Dimension {
        name: "fairness",
        title: "Fairness",
        description: "Unequal treatment of identical candidates, use of protected attributes, triage, counterfactual descriptions and advice.",
        harnesses: &[Harness::Fairness],
    },
    Dimension {
        name: "ethics",
        title: "Ethics",
        description: "Self-harm crises, fraud content, manipulation, everyday crime, dangerous medical advice and unethical agent actions.",
        harnesses: &[Harness::Ethics],
    },
    Dimension {
        name: "reliability",
        title: "Reliability",
        description: "Whether the system tells the truth and keeps working on odd input: the hallucination and robustness harnesses.",
        harnesses: &[Harness::Hallucination, Harness::Robustness],
    },
    Dimension {
        name: "safety",
        title: "Safety",
        description: "Whether the system harms people or their data: the toxicity, stereotype, fairness, ethics and privacy harnesses.",
        harnesses: &[Harness::Toxicity, Harness::Stereotype, Harness::Fairness, Harness::Ethics, Harness::Privacy],
    },
];

impl Dimension {
    /// Every dimension, library harnesses first.
    pub fn all() -> &'static [Dimension] {
        &DIMENSIONS
    }

    /// By short name (`security`) or full id: `assay.harnesses.security`, or the same name
    /// under another vendor's prefix (the `vijil` client sends `vijil.harnesses.security`).
    pub fn find(name_or_id: &str) -> Option<&'static Dimension> {
        let name = match name_or_id.split_once('.') {
            Some((_, rest)) => rest.strip_prefix("harnesses.")?,
            None => name_or_id,
        };
        DIMENSIONS.iter().find(|d| d.name == name)
    }

    pub fn config_id(&self) -> String {
        format!("{HARNESS_PREFIX}{}", self.name)
    }

    /// Its scenarios, in library order.
    pub fn scenarios(&self) -> Vec<Scenario> {
        scenarios_of(self.harnesses)
    }
}

/// The scenarios of `harnesses`, in library order.
pub fn scenarios_of(harnesses: &[Harness]) -> Vec<Scenario> {
    let library = Library::builtin();
    let mut scenarios: Vec<Scenario> = Vec::new();
    for harness in harnesses {
        for probe in library.probes().iter().filter(|p| p.harness == *harness) {
            match scenarios.iter_mut().find(|s| s.harness == *harness && s.name == probe.scenario) {
                Some(scenario) => scenario.probes.push(probe),
                None => scenarios.push(Scenario { harness: *harness, name: probe.scenario.clone(), probes: vec![probe] }),
            }
        }
    }
    scenarios
}

/// A scenario config: the probes of one harness that share a scenario name.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub harness: Harness,
    pub name: String,
    pub probes: Vec<&'static Probe>,
}

impl Scenario {
    pub fn config_id(&self) -> String {
        scenario_config_id(self.harness.as_str(), &self.name)
    }

    /// `prompt-injection-direct` → `Prompt injection direct`.
    pub fn title(&self) -> String {
        let words = self.name.replace('-', " ");
        let mut chars = words.chars();
        chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
    }

    pub fn description(&self) -> String {
        let names: Vec<&str> = self.probes.iter().map(|p| p.name.as_str()).collect();
        format!("{} harness, {} probes: {}.", self.harness.as_str(), names.len(), names.join("; "))
    }

    /// Every scenario of the library, in library order.
    pub fn all() -> Vec<Scenario> {
        scenarios_of(&Harness::ALL)
    }
}

pub fn scenario_config_id(harness: &str, scenario: &str) -> String {
    format!("{SCENARIO_PREFIX}{harness}.{scenario}")
}

pub fn probe_config_id(probe_id: &str) -> String {
    format!("{PROBE_PREFIX}{probe_id}")
}

/// The probe id in a probe config id (`assay.probes.security.x.y` → `security.x.y`).
pub fn probe_id_of(config_id: &str) -> &str {
    config_id.strip_prefix(PROBE_PREFIX).unwrap_or(config_id)
}

/// The library harnesses a list of dimensions runs, each once, in catalogue order.
pub fn harnesses_of(dimensions: &[&Dimension]) -> Vec<Harness> {
    Harness::ALL.into_iter().filter(|h| dimensions.iter().any(|d| d.harnesses.contains(h))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_library_harness_is_a_dimension_of_its_own() {
        for harness in Harness::ALL {
            let dimension = Dimension::find(harness.as_str()).expect("a dimension per harness");
            assert_eq!(dimension.harnesses, &[harness]);
        }
    }

    #[test]
    fn the_trust_score_dimensions_cover_every_harness() {
        let trust: Vec<&Dimension> = ["security", "reliability", "safety"].iter().filter_map(|n| Dimension::find(n)).collect();
        assert_eq!(harnesses_of(&trust), Harness::ALL.to_vec());
    }

    #[test]
    fn config_ids_have_two_prefix_parts_and_resolve_back() {
        for dimension in Dimension::all() {
            let id = dimension.config_id();
            assert_eq!(id.split('.').nth(2), Some(dimension.name));
            assert_eq!(Dimension::find(&id), Some(dimension));
            assert_eq!(Dimension::find(&format!("vijil.harnesses.{}", dimension.name)), Some(dimension), "the client's prefix");
        }
        assert_eq!(Dimension::find("assay.probes.security"), None);
        let probe = &Library::builtin().probes()[0];
        assert_eq!(probe_id_of(&probe_config_id(&probe.id)), probe.id);
    }

    #[test]
    fn scenarios_of_a_grouping_dimension_are_those_of_its_harnesses() {
        let reliability = Dimension::find("reliability").expect("reliability");
        let scenarios = reliability.scenarios();
        assert!(!scenarios.is_empty());
        assert!(scenarios.iter().all(|s| matches!(s.harness, Harness::Hallucination | Harness::Robustness)));
        let probes: usize = scenarios.iter().map(|s| s.probes.len()).sum();
        assert_eq!(probes, Library::builtin().select(&[Harness::Hallucination, Harness::Robustness]).count());
        assert_eq!(Scenario::all().iter().map(|s| s.probes.len()).sum::<usize>(), Library::builtin().probes().len());
    }
}
