//! The detector registry: rule-based and judge-based detectors behind one trait.
