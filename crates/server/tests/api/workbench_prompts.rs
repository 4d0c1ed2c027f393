//! The workbench's prompts, revisions, evaluation templates and models (`/api/v1/…`).
//!
//! The test app's assistant is the mock target, which echoes what it is sent. The assistant
//! reads the first JSON object of an answer, so a prompt that holds such an object scripts the
//! assistant's answer (a name and description, an optimized prompt and notes), and a prompt
//! without one makes every assistant job fail.

use assay_core::{Id, Plan};
use serde_json::{Value, json};

use crate::helpers::{TestApp, err_code, json_of, ok_data, spawn_app};

/// A prompt the echoing assistant answers usefully: it describes it as "Polite replies" and
/// optimizes it into "Always reply politely."
const SCRIPTED_PROMPT: &str = r#"Reply politely. {"name": "Polite replies", "description": "Makes the model polite.", "prompt": "Always reply politely.", "notes": "Made it an instruction."}"#;

async fn create_prompt(app: &TestApp, key: &str, body: Value) -> Value {
    ok_data(app.post_json("/api/v1/prompts", key, &body).await).await
}

fn id_of(data: &Value) -> String {
    data["id"].as_str().expect("an id").to_owned()
}

async fn refs_since(app: &TestApp, team_id: &Id, after: i64) -> Vec<Vec<String>> {
    app.store.notifications_after(team_id, after, 100).await.expect("notifications").into_iter().map(|n| n.refs).collect()
}

#[tokio::test]
async fn a_prompt_created_as_is_keeps_its_name_and_description_and_has_one_revision() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let body =
        json!({"prompt": "Write a story about AI.", "name": "AI Story", "description": "A creative writing prompt.", "mode": "none"});
    let created = create_prompt(&app, &acme.key, body).await;

    let id = id_of(&created);
    assert_eq!(Id::parse(&id).map(|parsed| parsed.as_str().len()), Ok(24));
    let revision = &created["latestRevision"];
    let revision_id = id_of(revision);
    assert!(created["dateCreated"].as_i64().is_some_and(|t| t > 1_700_000_000), "Unix seconds: {created}");
    assert_eq!(
        created,
        json!({
            "id": id, "name": "AI Story", "description": "A creative writing prompt.", "dateCreated": created["dateCreated"],
            "latestRevision": {"id": revision_id, "content": "Write a story about AI.", "notes": "", "remarks": "", "dateCreated": revision["dateCreated"]},
        })
    );

    let found = ok_data(app.get(&format!("/api/v1/prompts/{id}"), &acme.key).await).await;
    assert_eq!((found["name"].as_str(), found["revisions"].as_array().map(Vec::len)), (Some("AI Story"), Some(1)));
    assert_eq!(found["revisions"][0], created["latestRevision"]);
    assert_eq!(refs_since(&app, &acme.team.id, 0).await, vec![vec![format!("Prompt:{id}"), format!("PromptRevision:{revision_id}")]]);
}

#[tokio::test]
async fn a_prompt_created_in_the_default_mode_is_named_by_the_assistant_and_gets_an_optimized_second_revision() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let created = create_prompt(&app, &acme.key, json!({"prompt": SCRIPTED_PROMPT})).await;
    assert_eq!((created["name"].as_str(), created["description"].as_str()), (Some("Polite replies"), Some("Makes the model polite.")));
    assert_eq!(created["latestRevision"]["content"], "Always reply politely.");
    assert_eq!(created["latestRevision"]["notes"], "Made it an instruction.");

    let found = ok_data(app.get(&format!("/api/v1/prompts/{}", id_of(&created)), &acme.key).await).await;
    let contents: Vec<&str> = found["revisions"].as_array().expect("revisions").iter().filter_map(|r| r["content"].as_str()).collect();
    assert_eq!(contents, vec![SCRIPTED_PROMPT, "Always reply politely."], "the prompt as sent, then the optimized one");

    // A given name and description are kept; the assistant only fills what is missing.
    let named = create_prompt(&app, &acme.key, json!({"prompt": SCRIPTED_PROMPT, "name": "Mine", "mode": "optimize-followup"})).await;
    assert_eq!((named["name"].as_str(), named["description"].as_str()), (Some("Mine"), Some("Makes the model polite.")));
}

#[tokio::test]
async fn when_the_assistant_fails_the_prompt_is_still_created_named_after_its_first_words_with_one_revision() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let created = create_prompt(&app, &acme.key, json!({"prompt": "You are a support agent for a small bakery in town."})).await;
    assert_eq!((created["name"].as_str(), created["description"].as_str()), (Some("You are a support agent for…"), Some("")));
    assert_eq!(created["latestRevision"]["content"], "You are a support agent for a small bakery in town.");
    let found = ok_data(app.get(&format!("/api/v1/prompts/{}", id_of(&created)), &acme.key).await).await;
    assert_eq!(found["revisions"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn invalid_prompt_requests_answer_their_documented_codes() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    for body in [json!({}), json!({"prompt": null}), json!({"prompt": "  "}), json!({"name": "only a name"})] {
        assert_eq!(err_code(app.post_json("/api/v1/prompts", &acme.key, &body).await).await, (400, "missing_prompt".into()), "{body}");
    }
    let bad_mode = json!({"prompt": "p", "mode": "optimise"});
    assert_eq!(err_code(app.post_json("/api/v1/prompts", &acme.key, &bad_mode).await).await, (400, "invalid_field".into()));

    let id = id_of(&create_prompt(&app, &acme.key, json!({"prompt": "p", "name": "n", "mode": "none"})).await);
    for body in [json!({}), json!({"name": ""}), json!({"description": "d"})] {
        let answer = err_code(app.put_json(&format!("/api/v1/prompts/{id}"), &acme.key, &body).await).await;
        assert_eq!(answer, (400, "missing_name".into()), "{body}");
    }
    for path in [format!("/api/v1/prompts/{}", Id::generate()), "/api/v1/prompts/not-an-id".to_owned()] {
        assert_eq!(err_code(app.get(&path, &acme.key).await).await, (404, "prompt_not_found".into()), "{path}");
        assert_eq!(err_code(app.put_json(&path, &acme.key, &json!({"name": "x"})).await).await, (404, "prompt_not_found".into()));
        assert_eq!(err_code(app.delete(&path, &acme.key).await).await, (404, "prompt_not_found".into()));
    }
    let (status, body) = json_of(app.get("/api/v1/prompts?limit=0", &acme.key).await).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_field")), "{body}");
}

#[tokio::test]
async fn a_prompt_update_renames_it_and_answers_with_its_latest_revision() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let created = create_prompt(&app, &acme.key, json!({"prompt": "v1", "name": "Old", "description": "kept", "mode": "none"})).await;
    let id = id_of(&created);
    let second = json!({"promptID": id, "content": "v2"});
    let second = ok_data(app.post_json("/api/v1/prompt-revisions", &acme.key, &second).await).await;

    let updated = ok_data(app.put_json(&format!("/api/v1/prompts/{id}"), &acme.key, &json!({"name": "New"})).await).await;
    assert_eq!((updated["name"].as_str(), updated["description"].as_str()), (Some("New"), Some("kept")));
    assert_eq!(updated["latestRevision"]["id"], second["id"]);
    assert_eq!(updated["dateCreated"], created["dateCreated"]);
    let described = json!({"name": "New", "description": "changed"});
    let updated = ok_data(app.put_json(&format!("/api/v1/prompts/{id}"), &acme.key, &described).await).await;
    assert_eq!(updated["description"], "changed");
}

#[tokio::test]
async fn prompts_are_listed_newest_first_with_revision_counts_search_pages_and_filters() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let mut ids = Vec::new();
    for (name, description) in [("Story writer", "fiction"), ("Support bot", "answers STORY questions"), ("Translator", "languages")] {
        ids.push(id_of(
            &create_prompt(&app, &acme.key, json!({"prompt": "p", "name": name, "description": description, "mode": "none"})).await,
        ));
    }
    let revision = json!({"promptID": ids[0], "content": "v2"});
    let latest = ok_data(app.post_json("/api/v1/prompt-revisions", &acme.key, &revision).await).await;

    let all = ok_data(app.get("/api/v1/prompts", &acme.key).await).await;
    assert_eq!((&all["total"], &all["limit"], &all["offset"], &all["filters"]), (&json!(3), &json!(50), &json!(0), &json!({})));
    let story = all["prompts"].as_array().expect("prompts").iter().find(|p| p["id"] == ids[0].as_str()).expect("listed").clone();
    assert_eq!(
        story,
        json!({
            "id": ids[0], "name": "Story writer", "description": "fiction", "dateCreated": story["dateCreated"], "revisionCount": 2,
            "latestRevision": {"id": latest["id"], "dateCreated": latest["dateCreated"]},
        })
    );

    let searched = ok_data(app.get("/api/v1/prompts?search=story", &acme.key).await).await;
    assert_eq!((&searched["total"], &searched["filters"]), (&json!(2), &json!({"search": "story"})), "name or description, any case");
    let page = ok_data(app.get("/api/v1/prompts?limit=1&offset=2", &acme.key).await).await;
    assert_eq!((&page["total"], &page["limit"], &page["offset"]), (&json!(3), &json!(1), &json!(2)));
    assert_eq!(page["prompts"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["prompts"][0]["id"], all["prompts"][2]["id"]);
}

#[tokio::test]
async fn deleting_a_prompt_deletes_its_revisions() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let created = create_prompt(&app, &acme.key, json!({"prompt": "p", "name": "n", "mode": "none"})).await;
    let id = id_of(&created);
    let after = app.store.latest_notification_id(&acme.team.id).await.expect("latest");
    let deleted = ok_data(app.delete(&format!("/api/v1/prompts/{id}"), &acme.key).await).await;
    assert_eq!(deleted, json!({"message": "Prompt and all revisions deleted successfully", "id": id}));
    assert_eq!(refs_since(&app, &acme.team.id, after).await, vec![vec![format!("Prompt:{id}")]]);
    let revision_path = format!("/api/v1/prompt-revisions/{}", id_of(&created["latestRevision"]));
    assert_eq!(err_code(app.get(&revision_path, &acme.key).await).await, (404, "revision_not_found".into()));
    assert_eq!(err_code(app.get(&format!("/api/v1/prompts/{id}"), &acme.key).await).await, (404, "prompt_not_found".into()));
}

#[tokio::test]
async fn revisions_are_added_edited_read_listed_and_deleted_but_never_the_last_one() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let created = create_prompt(&app, &acme.key, json!({"prompt": "v1", "name": "AI Story", "description": "d", "mode": "none"})).await;
    let (prompt_id, first_id) = (id_of(&created), id_of(&created["latestRevision"]));

    let body = json!({"promptID": prompt_id, "content": "v2", "notes": "shorter"});
    let second = ok_data(app.post_json("/api/v1/prompt-revisions", &acme.key, &body).await).await;
    let second_id = id_of(&second);
    assert_eq!(
        second,
        json!({"id": second_id, "promptID": prompt_id, "content": "v2", "notes": "shorter", "remarks": "",
               "dateCreated": second["dateCreated"], "dateUpdated": second["dateUpdated"]})
    );

    let path = format!("/api/v1/prompt-revisions/{second_id}");
    let edited = ok_data(app.put_json(&path, &acme.key, &json!({"content": "v2 edited"})).await).await;
    assert_eq!((edited["content"].as_str(), edited["notes"].as_str()), (Some("v2 edited"), Some("shorter")), "notes kept");
    assert_eq!(edited["prompt"], json!({"id": prompt_id, "name": "AI Story", "description": "d"}));
    let read = ok_data(app.get(&path, &acme.key).await).await;
    assert_eq!((read["content"].as_str(), read.get("prompt")), (Some("v2 edited"), None));

    let listed = ok_data(app.get(&format!("/api/v1/prompt-revisions?promptID={prompt_id}"), &acme.key).await).await;
    assert_eq!((&listed["total"], &listed["limit"], &listed["offset"]), (&json!(2), &json!(50), &json!(0)));
    let ids: Vec<&str> = listed["revisions"].as_array().expect("revisions").iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, vec![first_id.as_str(), second_id.as_str()], "oldest first");
    let page = ok_data(app.get(&format!("/api/v1/prompt-revisions?promptID={prompt_id}&limit=1&offset=1"), &acme.key).await).await;
    assert_eq!((&page["total"], &page["revisions"][0]["id"]), (&json!(2), &json!(second_id)));

    let deleted = ok_data(app.delete(&path, &acme.key).await).await;
    assert_eq!(deleted, json!({"message": "Prompt revision deleted successfully", "id": second_id, "promptID": prompt_id}));
    let last = format!("/api/v1/prompt-revisions/{first_id}");
    assert_eq!(err_code(app.delete(&last, &acme.key).await).await, (409, "last_revision_cannot_be_deleted".into()));
    assert_eq!(ok_data(app.get(&last, &acme.key).await).await["content"], "v1", "the last revision is still there");
}

#[tokio::test]
async fn invalid_revision_requests_answer_their_documented_codes() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let prompt_id = id_of(&create_prompt(&app, &acme.key, json!({"prompt": "v1", "name": "n", "mode": "none"})).await);
    let unknown = Id::generate().to_string();
    let cases = [
        (json!({"content": "x"}), (400, "missing_prompt_id")),
        (json!({"promptID": "", "content": "x"}), (400, "missing_prompt_id")),
        (json!({"promptID": prompt_id}), (400, "missing_content")),
        (json!({"promptID": prompt_id, "content": " "}), (400, "missing_content")),
        (json!({"promptID": unknown, "content": "x"}), (404, "prompt_not_found")),
        (json!({"promptID": "nope", "content": "x"}), (404, "prompt_not_found")),
    ];
    for (body, (status, code)) in cases {
        assert_eq!(err_code(app.post_json("/api/v1/prompt-revisions", &acme.key, &body).await).await, (status, code.into()), "{body}");
    }
    let missing = format!("/api/v1/prompt-revisions/{unknown}");
    assert_eq!(err_code(app.get(&missing, &acme.key).await).await, (404, "revision_not_found".into()));
    assert_eq!(err_code(app.put_json(&missing, &acme.key, &json!({"content": "x"})).await).await, (404, "revision_not_found".into()));
    assert_eq!(err_code(app.delete(&missing, &acme.key).await).await, (404, "revision_not_found".into()));
    let revision_id = ok_data(app.get(&format!("/api/v1/prompts/{prompt_id}"), &acme.key).await).await["revisions"][0]["id"].clone();
    let path = format!("/api/v1/prompt-revisions/{}", revision_id.as_str().expect("id"));
    assert_eq!(err_code(app.put_json(&path, &acme.key, &json!({"notes": "n"})).await).await, (400, "missing_content".into()));
    assert_eq!(err_code(app.get("/api/v1/prompt-revisions", &acme.key).await).await, (400, "missing_prompt_id".into()));
    let unknown_list = format!("/api/v1/prompt-revisions?promptID={unknown}");
    assert_eq!(err_code(app.get(&unknown_list, &acme.key).await).await, (404, "prompt_not_found".into()));
}

#[tokio::test]
async fn a_remark_stores_the_assistants_rewrite_of_the_latest_or_the_named_revision_as_a_new_revision() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let created = create_prompt(&app, &acme.key, json!({"prompt": SCRIPTED_PROMPT, "name": "n", "mode": "none"})).await;
    let (prompt_id, first_id) = (id_of(&created), id_of(&created["latestRevision"]));
    let plain = json!({"promptID": prompt_id, "content": "no JSON here"});
    ok_data(app.post_json("/api/v1/prompt-revisions", &acme.key, &plain).await).await;

    // The latest revision holds nothing the echoing assistant can use: the remark fails whole.
    let body = json!({"promptID": prompt_id, "remarks": "Make it more concise."});
    assert_eq!(err_code(app.post_json("/api/v1/remark", &acme.key, &body).await).await, (502, "assistant_failed".into()));

    let body = json!({"promptID": prompt_id, "revisionID": first_id, "remarks": "Make it more concise."});
    let remarked = ok_data(app.post_json("/api/v1/remark", &acme.key, &body).await).await;
    assert_eq!(
        remarked,
        json!({"id": remarked["id"], "promptID": prompt_id, "content": "Always reply politely.", "notes": "Made it an instruction.",
               "remarks": "Make it more concise.", "dateCreated": remarked["dateCreated"], "dateUpdated": remarked["dateUpdated"]})
    );
    let found = ok_data(app.get(&format!("/api/v1/prompts/{prompt_id}"), &acme.key).await).await;
    assert_eq!(found["revisions"].as_array().map(Vec::len), Some(3));
    assert_eq!(found["revisions"][2]["id"], remarked["id"], "the remark is the newest revision");

    // Without remarks it is a general optimization.
    let optimize = json!({"promptID": prompt_id, "revisionID": first_id});
    let optimized = ok_data(app.post_json("/api/v1/remark", &acme.key, &optimize).await).await;
    assert_eq!((optimized["content"].as_str(), optimized["remarks"].as_str()), (Some("Always reply politely."), Some("")));
    assert_eq!(
        err_code(app.post_json("/api/v1/remark", &acme.key, &json!({"remarks": "x"})).await).await,
        (400, "missing_prompt_id".into())
    );
    let unknown = json!({"promptID": Id::generate().to_string()});
    assert_eq!(err_code(app.post_json("/api/v1/remark", &acme.key, &unknown).await).await, (404, "prompt_not_found".into()));
    let other = id_of(&create_prompt(&app, &acme.key, json!({"prompt": "other", "name": "o", "mode": "none"})).await);
    let foreign_revision = json!({"promptID": other, "revisionID": first_id});
    let answer = err_code(app.post_json("/api/v1/remark", &acme.key, &foreign_revision).await).await;
    assert_eq!(answer, (404, "revision_not_found".into()), "a revision of another prompt is not this prompt's");
}

#[tokio::test]
async fn a_template_is_created_with_defaults_read_updated_in_parts_listed_and_deleted() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let prompt_id = id_of(&create_prompt(&app, &acme.key, json!({"prompt": "p", "name": "n", "mode": "none"})).await);
    let other_prompt = id_of(&create_prompt(&app, &acme.key, json!({"prompt": "p2", "name": "n2", "mode": "none"})).await);
    let after = app.store.latest_notification_id(&acme.team.id).await.expect("latest");

    let bare = ok_data(app.post_json("/api/v1/evaluation-templates", &acme.key, &json!({"promptID": prompt_id})).await).await;
    let id = id_of(&bare);
    assert_eq!(
        bare,
        json!({"id": id, "name": "Untitled evaluation", "promptID": prompt_id, "cases": [], "tools": [], "contexts": [], "models": [],
               "accessMode": "managed", "dateCreated": bare["dateCreated"], "dateUpdated": bare["dateUpdated"]})
    );

    let full = json!({
        "name": "Refunds", "promptID": prompt_id, "accessMode": "private", "models": ["mock-echo", "local-smollm2-135m"],
        "cases": [{"title": "Refund", "scenario": "asks for a refund", "expectedResult": "refund issued"}],
        "tools": [{"name": "lookup_order", "description": "finds an order", "parameters": {"type": "object"}}],
        "contexts": [{"name": "policy", "content": "Refunds within 30 days."}],
    });
    let full = ok_data(app.post_json("/api/v1/evaluation-templates", &acme.key, &full).await).await;
    assert_eq!(
        full["cases"],
        json!([{"title": "Refund", "scenario": "asks for a refund", "expectedResult": "refund issued", "responseThreshold": 20}])
    );
    assert_eq!((full["tools"][0]["name"].as_str(), full["contexts"][0]["name"].as_str()), (Some("lookup_order"), Some("policy")));
    assert_eq!((full["accessMode"].as_str(), &full["models"]), (Some("private"), &json!(["mock-echo", "local-smollm2-135m"])));
    let full_id = id_of(&full);
    assert_eq!(ok_data(app.get(&format!("/api/v1/evaluation-templates/{full_id}"), &acme.key).await).await, full);

    let change = json!({"name": "Refunds v2", "promptID": other_prompt, "models": []});
    let updated = ok_data(app.put_json(&format!("/api/v1/evaluation-templates/{full_id}"), &acme.key, &change).await).await;
    assert_eq!((updated["name"].as_str(), updated["promptID"].as_str()), (Some("Refunds v2"), Some(other_prompt.as_str())));
    assert_eq!(
        (&updated["models"], &updated["cases"], &updated["accessMode"]),
        (&json!([]), &full["cases"], &full["accessMode"]),
        "only what is given"
    );

    let listed = ok_data(app.get("/api/v1/evaluation-templates", &acme.key).await).await;
    assert_eq!((&listed["total"], &listed["limit"], &listed["offset"], &listed["filters"]), (&json!(2), &json!(50), &json!(0), &json!({})));
    assert_eq!(listed["evaluationTemplates"].as_array().map(Vec::len), Some(2));
    let by_prompt = ok_data(app.get(&format!("/api/v1/evaluation-templates?promptID={prompt_id}"), &acme.key).await).await;
    assert_eq!((&by_prompt["total"], &by_prompt["evaluationTemplates"][0]["id"]), (&json!(1), &json!(id)));
    assert_eq!(by_prompt["filters"], json!({"promptID": prompt_id}));
    let searched = ok_data(app.get("/api/v1/evaluation-templates?search=REFUNDS", &acme.key).await).await;
    assert_eq!((&searched["total"], &searched["filters"]), (&json!(1), &json!({"search": "REFUNDS"})));
    let by_prompt_id = ok_data(app.get(&format!("/api/v1/evaluation-templates?search={}", &other_prompt[6..]), &acme.key).await).await;
    assert_eq!(by_prompt_id["evaluationTemplates"][0]["id"], json!(full_id), "search matches the prompt id too");
    let page = ok_data(app.get("/api/v1/evaluation-templates?limit=1&offset=1", &acme.key).await).await;
    assert_eq!((&page["total"], page["evaluationTemplates"].as_array().map(Vec::len)), (&json!(2), Some(1)));

    let deleted = ok_data(app.delete(&format!("/api/v1/evaluation-templates/{id}"), &acme.key).await).await;
    assert_eq!(deleted, json!({"message": "Evaluation template deleted successfully", "id": id}));
    let template = |id: &str| vec![format!("EvaluationTemplate:{id}")];
    assert_eq!(refs_since(&app, &acme.team.id, after).await, vec![template(&id), template(&full_id), template(&full_id), template(&id)]);
}

#[tokio::test]
async fn invalid_templates_answer_their_documented_codes_naming_the_field() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let prompt_id = id_of(&create_prompt(&app, &acme.key, json!({"prompt": "p", "name": "n", "mode": "none"})).await);
    let cases = [
        (json!({"name": "t"}), 400, "missing_prompt_id", "PromptID is required"),
        (json!({"promptID": Id::generate().to_string()}), 404, "prompt_not_found", "Prompt not found"),
        (json!({"promptID": prompt_id, "accessMode": "public"}), 400, "invalid_field", "accessMode must be managed, private or team"),
        (json!({"promptID": prompt_id, "cases": [{"expectedResult": "x"}]}), 400, "invalid_field", "cases[0].scenario is required"),
        (
            json!({"promptID": prompt_id, "cases": [{"title": "t", "responseThreshold": "many"}]}),
            400,
            "invalid_field",
            "cases[0].responseThreshold",
        ),
        (json!({"promptID": prompt_id, "cases": {"title": "t"}}), 400, "invalid_field", "cases invalid type"),
        (json!({"promptID": prompt_id, "tools": [{"name": "a b"}]}), 400, "invalid_field", "tools[0].name must be"),
        (json!({"promptID": prompt_id, "contexts": [{"name": "c"}]}), 400, "invalid_field", "contexts[0].content is required"),
        (json!({"promptID": prompt_id, "name": " "}), 400, "invalid_field", "name must not be empty"),
        (json!({"promptID": prompt_id, "models": ["mock-echo", "openai-gpt-5"]}), 400, "model_not_available", "openai-gpt-5"),
    ];
    for (body, status, code, message) in cases {
        let (actual_status, error) = json_of(app.post_json("/api/v1/evaluation-templates", &acme.key, &body).await).await;
        assert_eq!((actual_status, error["code"].as_str()), (status, Some(code)), "{body}: {error}");
        assert!(error["message"].as_str().is_some_and(|m| m.starts_with(message) || m.contains(message)), "{body}: {error}");
    }

    let template = json!({"promptID": prompt_id});
    let id = id_of(&ok_data(app.post_json("/api/v1/evaluation-templates", &acme.key, &template).await).await);
    let path = format!("/api/v1/evaluation-templates/{id}");
    let unknown_prompt = json!({"promptID": Id::generate().to_string()});
    assert_eq!(err_code(app.put_json(&path, &acme.key, &unknown_prompt).await).await, (404, "prompt_not_found".into()));
    let unknown_model = json!({"models": ["anthropic-claude"]});
    assert_eq!(err_code(app.put_json(&path, &acme.key, &unknown_model).await).await, (400, "model_not_available".into()));
    assert_eq!(err_code(app.put_json(&path, &acme.key, &json!({"tools": [{"name": ""}]})).await).await, (400, "invalid_field".into()));
    let missing = format!("/api/v1/evaluation-templates/{}", Id::generate());
    assert_eq!(err_code(app.get(&missing, &acme.key).await).await, (404, "template_not_found".into()));
    assert_eq!(err_code(app.put_json(&missing, &acme.key, &json!({"name": "x"})).await).await, (404, "template_not_found".into()));
    assert_eq!(err_code(app.delete(&missing, &acme.key).await).await, (404, "template_not_found".into()));
    assert_eq!(err_code(app.get("/api/v1/evaluation-templates?promptID=nope", &acme.key).await).await, (400, "invalid_field".into()));
    let unchanged = ok_data(app.get(&path, &acme.key).await).await;
    assert_eq!((&unchanged["models"], &unchanged["tools"]), (&json!([]), &json!([])), "refused updates change nothing");
}

#[tokio::test]
async fn models_list_the_built_in_models_and_one_per_stored_target_and_templates_accept_them() {
    let app = spawn_app().await;
    let acme = app.team("acme", Plan::Free).await;
    let built_in = json!([
        {"id": "local-smollm2-135m", "vendorName": "assay (embedded)", "modelName": "SmolLM2-135M-Instruct", "isPremium": false, "available": true},
        {"id": "mock-echo", "vendorName": "assay (mock)", "modelName": "Echo", "isPremium": false, "available": true},
    ]);
    assert_eq!(ok_data(app.get("/api/v1/models", &acme.key).await).await, json!({"models": built_in}));

    for (name, settings, credential) in [
        ("prod", json!({"kind": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "gpt-4.1"}), Some("sk-1")),
        ("staging", json!({"kind": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "gpt-4.1"}), None),
        ("support-bot", json!({"kind": "contract", "base_url": "http://127.0.0.1:9"}), None),
    ] {
        let body = json!({"name": name, "settings": settings, "credential": credential});
        assert_eq!(app.post_json("/api/targets", &acme.key, &body).await.status(), 201, "{body}");
    }
    let listed = ok_data(app.get("/api/v1/models", &acme.key).await).await;
    let summary: Vec<(String, String, String, bool)> = listed["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| {
            let text = |key: &str| m[key].as_str().unwrap_or_default().to_owned();
            (text("id"), text("vendorName"), text("modelName"), m["available"].as_bool().unwrap_or_default())
        })
        .collect();
    let row = |id: &str, vendor: &str, model: &str, available| (id.to_owned(), vendor.to_owned(), model.to_owned(), available);
    let mut stored = summary[2..].to_vec();
    stored.sort();
    // Targets are taken oldest first, and those of one second in id order, so either openai
    // target may keep the plain id; the other gets its name appended.
    let contract = row("contract-support-bot", "Contract", "support-bot", true);
    let prod_first =
        [contract.clone(), row("openai-gpt-4.1", "OpenAI", "gpt-4.1", true), row("openai-gpt-4.1-staging", "OpenAI", "gpt-4.1", false)];
    let staging_first =
        [contract, row("openai-gpt-4.1", "OpenAI", "gpt-4.1", false), row("openai-gpt-4.1-prod", "OpenAI", "gpt-4.1", true)];
    assert!(stored == prod_first || stored == staging_first, "{stored:?}");
    let openai = ok_data(app.get("/api/v1/models?vendor=openai", &acme.key).await).await;
    assert_eq!(openai["models"].as_array().map(Vec::len), Some(2));
    let mock = ok_data(app.get("/api/v1/models?vendor=mock", &acme.key).await).await;
    assert_eq!(mock["models"], json!([built_in[1]]));

    let prompt_id = id_of(&create_prompt(&app, &acme.key, json!({"prompt": "p", "name": "n", "mode": "none"})).await);
    let body = json!({"promptID": prompt_id, "models": ["openai-gpt-4.1", "contract-support-bot"]});
    let template = ok_data(app.post_json("/api/v1/evaluation-templates", &acme.key, &body).await).await;
    assert_eq!(template["models"], body["models"]);
    // Another team has no such targets, so no such models.
    let other = app.team("other", Plan::Free).await;
    let other_prompt = id_of(&create_prompt(&app, &other.key, json!({"prompt": "p", "name": "n", "mode": "none"})).await);
    let body = json!({"promptID": other_prompt, "models": ["contract-support-bot"]});
    assert_eq!(err_code(app.post_json("/api/v1/evaluation-templates", &other.key, &body).await).await, (400, "model_not_available".into()));
}

#[tokio::test]
async fn another_teams_prompts_revisions_and_templates_are_not_found_for_every_verb() {
    let app = spawn_app().await;
    let owner = app.team("owner", Plan::Free).await;
    let intruder = app.team("intruder", Plan::Free).await;
    let created = create_prompt(&app, &owner.key, json!({"prompt": SCRIPTED_PROMPT, "name": "n", "mode": "none"})).await;
    let (prompt_id, revision_id) = (id_of(&created), id_of(&created["latestRevision"]));
    let template = ok_data(app.post_json("/api/v1/evaluation-templates", &owner.key, &json!({"promptID": prompt_id})).await).await;
    let template_id = id_of(&template);
    let key = &intruder.key;

    let prompt = format!("/api/v1/prompts/{prompt_id}");
    let revision = format!("/api/v1/prompt-revisions/{revision_id}");
    let template_path = format!("/api/v1/evaluation-templates/{template_id}");
    let not_found = |code: &str| (404, code.to_owned());
    assert_eq!(err_code(app.get(&prompt, key).await).await, not_found("prompt_not_found"));
    assert_eq!(err_code(app.put_json(&prompt, key, &json!({"name": "mine"})).await).await, not_found("prompt_not_found"));
    assert_eq!(err_code(app.delete(&prompt, key).await).await, not_found("prompt_not_found"));
    let revise = json!({"promptID": prompt_id, "content": "mine"});
    assert_eq!(err_code(app.post_json("/api/v1/prompt-revisions", key, &revise).await).await, not_found("prompt_not_found"));
    let listing = format!("/api/v1/prompt-revisions?promptID={prompt_id}");
    assert_eq!(err_code(app.get(&listing, key).await).await, not_found("prompt_not_found"));
    assert_eq!(err_code(app.get(&revision, key).await).await, not_found("revision_not_found"));
    assert_eq!(err_code(app.put_json(&revision, key, &json!({"content": "mine"})).await).await, not_found("revision_not_found"));
    assert_eq!(err_code(app.delete(&revision, key).await).await, not_found("revision_not_found"));
    let remark = json!({"promptID": prompt_id});
    assert_eq!(err_code(app.post_json("/api/v1/remark", key, &remark).await).await, not_found("prompt_not_found"));
    let on_their_prompt = json!({"promptID": prompt_id});
    assert_eq!(err_code(app.post_json("/api/v1/evaluation-templates", key, &on_their_prompt).await).await, not_found("prompt_not_found"));
    assert_eq!(err_code(app.get(&template_path, key).await).await, not_found("template_not_found"));
    assert_eq!(err_code(app.put_json(&template_path, key, &json!({"name": "mine"})).await).await, not_found("template_not_found"));
    assert_eq!(err_code(app.delete(&template_path, key).await).await, not_found("template_not_found"));
    let mine = id_of(&create_prompt(&app, key, json!({"prompt": "p", "name": "mine", "mode": "none"})).await);
    let path = format!(
        "/api/v1/evaluation-templates/{}",
        id_of(&ok_data(app.post_json("/api/v1/evaluation-templates", key, &json!({"promptID": mine})).await).await)
    );
    assert_eq!(
        err_code(app.put_json(&path, key, &on_their_prompt).await).await,
        not_found("prompt_not_found"),
        "cannot move onto their prompt"
    );

    for list in ["/api/v1/prompts", "/api/v1/evaluation-templates"] {
        assert_eq!(ok_data(app.get(list, key).await).await["total"], 1, "{list}: only the intruder's own");
    }
    let untouched = ok_data(app.get(&prompt, &owner.key).await).await;
    assert_eq!((untouched["name"].as_str(), untouched["revisions"].as_array().map(Vec::len)), (Some("n"), Some(1)));
    assert_eq!(ok_data(app.get(&template_path, &owner.key).await).await, template);
}

#[tokio::test]
async fn workbench_requests_without_a_valid_key_are_refused_in_the_workbench_envelope() {
    let app = spawn_app().await;
    for path in ["/api/v1/prompts", "/api/v1/prompt-revisions?promptID=x", "/api/v1/evaluation-templates", "/api/v1/models"] {
        let (status, body) = json_of(app.get_anonymous(path).await).await;
        assert_eq!(
            (status, &body),
            (401, &json!({"status": "err", "message": "Invalid or missing API key.", "code": "unauthorized"})),
            "{path}"
        );
    }
    let (status, body) = json_of(app.post_json("/api/v1/prompts", "assay_not_a_key", &json!({"prompt": "p"})).await).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
}

#[tokio::test]
async fn the_openapi_document_describes_every_prompt_revision_template_and_model_route() {
    let app = spawn_app().await;
    let (_, doc) = json_of(app.get_anonymous("/openapi.json").await).await;
    for (path, methods) in [
        ("/api/v1/prompts", &["get", "post"][..]),
        ("/api/v1/prompts/{id}", &["get", "put", "delete"]),
        ("/api/v1/prompt-revisions", &["get", "post"]),
        ("/api/v1/prompt-revisions/{id}", &["get", "put", "delete"]),
        ("/api/v1/remark", &["post"]),
        ("/api/v1/evaluation-templates", &["get", "post"]),
        ("/api/v1/evaluation-templates/{id}", &["get", "put", "delete"]),
        ("/api/v1/models", &["get"]),
    ] {
        for method in methods {
            assert!(doc["paths"][path][method].is_object(), "{method} {path}");
        }
    }
    let parameters = doc["paths"]["/api/v1/prompt-revisions"]["get"]["parameters"].as_array().expect("parameters");
    assert!(parameters.iter().any(|p| p["name"] == "promptID" && p["in"] == "query"), "{parameters:?}");
}
