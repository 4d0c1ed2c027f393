//! The probe library (data files), attack converters and harness definitions.
