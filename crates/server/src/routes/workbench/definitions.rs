//! The OpenAPI schemas of `assay_core`'s evaluation definitions (cases, tools, contexts and
//! the access mode), which templates, evaluations, privacy-mode runs and the AI helpers send
//! and accept. Core has no OpenAPI dependency, so these mirror its serde shapes for the
//! document only; the tests below keep each mirror's fields equal to what core serializes.

#![allow(dead_code, reason = "documentation only: the types on the wire are assay_core's")]

use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};

/// One scenario to simulate: a user with a goal, and what the model must achieve. Every
/// field may be omitted on input (a case needs a title or a scenario).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct CaseDefinition {
    #[schema(required = false)]
    title: String,
    #[schema(required = false)]
    scenario: String,
    #[schema(required = false)]
    expected_result: String,
    /// Assistant replies allowed to reach the expected result (default 20).
    #[schema(required = false, minimum = 1, maximum = 100)]
    response_threshold: u32,
}

/// A tool offered to the model under test.
#[derive(ToSchema)]
pub struct ToolDefinition {
    /// 1-64 letters, digits, `_`, `-` or `.`, unique among the tools.
    #[schema(required = false, pattern = "^[A-Za-z0-9_.-]{1,64}$")]
    name: String,
    #[schema(required = false)]
    description: String,
    /// Default `{}`.
    #[schema(required = false)]
    parameters: ToolParameters,
}

/// A tool's parameters: a JSON Schema object, or the list form some clients send (written by
/// hand: a derived untagged enum would describe the object as a map of any values, which
/// utoipa's own reader of the document refuses).
pub struct ToolParameters;

impl utoipa::PartialSchema for ToolParameters {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .description(Some("A JSON Schema object, or a list of parameters."))
            .item(ObjectBuilder::new().schema_type(Type::Object))
            .item(ArrayBuilder::new())
            .into()
    }
}

impl ToSchema for ToolParameters {}

/// Background knowledge appended to the system prompt of the model under test.
#[derive(ToSchema)]
pub struct ContextDefinition {
    #[schema(required = false)]
    name: String,
    /// Required, not blank.
    #[schema(required = false)]
    content: String,
}

/// Who may see a template or an evaluation (default `managed`).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum AccessMode {
    Managed,
    Private,
    Team,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use utoipa::PartialSchema;
    use utoipa::openapi::schema::SchemaType;

    use super::*;

    fn documented<T: PartialSchema>() -> BTreeSet<String> {
        let RefOr::T(Schema::Object(object)) = T::schema() else { panic!("not an object schema") };
        object.properties.keys().cloned().collect()
    }

    fn served(value: impl serde::Serialize) -> BTreeSet<String> {
        serde_json::to_value(value).expect("serializes").as_object().expect("an object").keys().cloned().collect()
    }

    #[test]
    fn each_mirror_has_the_fields_core_serializes() {
        let case = assay_core::CaseDefinition {
            title: String::new(),
            scenario: String::new(),
            expected_result: String::new(),
            response_threshold: 1,
        };
        assert_eq!(documented::<CaseDefinition>(), served(case));
        let tool = assay_core::ToolDefinition { name: String::new(), description: String::new(), parameters: serde_json::json!({}) };
        assert_eq!(documented::<ToolDefinition>(), served(tool));
        let context = assay_core::ContextDefinition { name: String::new(), content: String::new() };
        assert_eq!(documented::<ContextDefinition>(), served(context));
    }

    #[test]
    fn the_access_modes_are_the_ones_core_reads() {
        let RefOr::T(Schema::Object(object)) = AccessMode::schema() else { panic!("not an enum schema") };
        assert!(matches!(object.schema_type, SchemaType::Type(_)));
        let values: Vec<String> = object.enum_values.expect("enum").iter().map(|v| v.as_str().expect("text").to_owned()).collect();
        assert_eq!(values, ["managed", "private", "team"]);
        assert!(values.iter().all(|v| assay_core::AccessMode::parse(v).is_some_and(|mode| mode.as_str() == v)));
    }
}
