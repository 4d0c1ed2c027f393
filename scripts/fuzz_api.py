#!/usr/bin/env python3
"""Fuzzes every surface of `assay serve` with schemathesis, driven by its own /openapi.json.

Usage: scripts/fuzz_api.py ASSAY_BINARY [PORT_BASE]
  ASSAY_FUZZ_EXAMPLES: examples per operation (default 25); ASSAY_FUZZ_ARGS: more schemathesis
  arguments, e.g. `--include-path-regex ^/v1/` to fuzz one surface.

What it does, and why:
  * starts two mock models (`assay mock-target`): one that echoes, for the systems under test,
    and one that always answers a JSON object holding every field the workbench assistant's
    helpers read (name, prompt, title, parameters, result, ...). With it as the assistant, the
    assistant routes answer quickly and reach their success paths instead of spending seconds
    per request on the embedded model or answering 502 `assistant_failed`;
  * starts `assay serve` on a fresh data dir with the per-key hourly limit raised (thousands of
    requests; the limiter itself is tested in the server's tests);
  * makes one object of every kind through the API (a target and a contract session, a
    project and an ingested run, a provider key, a `/v1` evaluation, a report and feedback, a
    workbench prompt, revision, template and evaluation) and writes a schemathesis config that
    puts those ids in the matching path and id query parameters, so operations on a stored
    object are fuzzed beyond their 404. Operations that destroy or stop an object get a
    second object of the same kind, so the others keep theirs;
  * runs schemathesis over every operation but the web UI's pages (cookie sessions, tested in
    headless Chromium), the docs page and the event stream (it stays open), with the checks:
    no 5xx, responses and content types as documented, and schema-violating input refused.
Exits non-zero when schemathesis finds anything.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

from children import stop_all

# Every field any assistant helper reads, with values each accepts (see crates/engine/src/assist.rs).
ASSISTANT_REPLY = {
    "name": "lookup_order",
    "description": "Looks an order up by its number.",
    "prompt": "You are a careful support agent.",
    "notes": "Made the tone explicit.",
    "title": "Refund request",
    "scenario": "A customer wants a refund for a late parcel.",
    "expectedResult": "The agent explains the refund policy.",
    "responseThreshold": 3,
    "content": "Refunds are accepted within 30 days.",
    "parameters": {"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]},
    "result": "succeed",
    "assessment": "The agent handled the request.",
    "recommendation": "None.",
    "attributes": [],
    "hallucinations": "none",
}


def main():
    assay = os.path.abspath(sys.argv[1])
    base = int(sys.argv[2]) if len(sys.argv) > 2 else 55440
    serve_port, echo_port, assistant_port = base, base + 1, base + 2
    work = tempfile.mkdtemp(prefix="assay-fuzz.")
    children = []

    def spawn(args, log):
        child = subprocess.Popen(args, stdout=open(os.path.join(work, log), "w"), stderr=subprocess.STDOUT)
        children.append(child)
        return child

    try:
        spawn([assay, "mock-target", "--addr", f"127.0.0.1:{echo_port}"], "echo.log")
        spawn([assay, "mock-target", "--addr", f"127.0.0.1:{assistant_port}", "--reply", json.dumps(ASSISTANT_REPLY)], "assistant.log")
        data_dir = os.path.join(work, "data")
        key = subprocess.run([assay, "--data-dir", data_dir, "keys", "create", "--team", "fuzz"],
                             check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        env = dict(os.environ, ASSAY_RATE_LIMIT_FREE_PER_HOUR="100000000")
        serve = subprocess.Popen(
            [assay, "--data-dir", data_dir, "serve", "--addr", f"127.0.0.1:{serve_port}", "--default-target", "mock",
             "--assistant", f"contract+http://127.0.0.1:{assistant_port}/chat"],
            stdout=open(os.path.join(work, "serve.log"), "w"), stderr=subprocess.STDOUT, env=env)
        children.append(serve)
        url = f"http://127.0.0.1:{serve_port}"
        wait_healthy(url)
        wait_healthy(f"http://127.0.0.1:{echo_port}")

        api = Api(url, key)
        ids = seed(api, f"http://127.0.0.1:{echo_port}")
        print("== seeded:", json.dumps(ids, sort_keys=True))
        doc = json.loads(urllib.request.urlopen(f"{url}/openapi.json", timeout=10).read())
        config = os.path.join(work, "schemathesis.toml")
        with open(config, "w") as out:
            out.write(operation_config(doc, ids))
        command = [
            "schemathesis", "--config-file", config, "run", f"{url}/openapi.json",
            "-H", f"Authorization: Bearer {key}",
            "--checks", "not_a_server_error,response_schema_conformance,content_type_conformance,negative_data_rejection",
            "--exclude-path-regex", r"^/(ui|docs)(/|$)|^/$|^/api/v1/sse$",
            "--max-examples", os.environ.get("ASSAY_FUZZ_EXAMPLES", "25"), "--seed", "1", "--request-timeout", "30",
        ] + os.environ.get("ASSAY_FUZZ_ARGS", "").split()
        code = subprocess.run(command).returncode
        if code != 0:
            print("== assay serve's log tail:")
            print("".join(open(os.path.join(work, "serve.log")).readlines()[-40:]))
        sys.exit(code)
    finally:
        stop_all(children, timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def wait_healthy(url):
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers: up (a mock has no /healthz)
        except Exception:
            time.sleep(0.1)
    sys.exit(f"{url} did not come up")


class Api:
    def __init__(self, url, key):
        self.url, self.key = url, key

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            sys.exit(f"seeding: {method} {path} answered {error.code}: {error.read()[:500]!r}")


def seed(api, echo_url):
    """Two objects of every kind (`main` for most operations, `spare` for those that destroy)."""
    ids = {}
    for copy in ("main", "spare"):
        made = ids.setdefault(copy, {})
        target = api.call("POST", "/api/targets", {
            "name": f"fuzz-bot-{copy}",
            "settings": {"kind": "openai", "base_url": f"{echo_url}/v1", "model": "mock-echo"},
        })
        made["target"] = target["id"]
        made["session"] = api.call("POST", f"/targets/{target['id']}/sessions", {})["session_id"]
        slug = f"fuzz-{copy}"
        api.call("POST", "/api/projects", {"slug": slug, "name": f"Fuzz {copy}"})
        made["slug"] = slug
        made["run"] = str(uuid.uuid4())
        api.call("POST", "/api/ingest", {
            "project_slug": slug, "run_id": made["run"],
            "run": {"started_at": "2026-11-23T08:00:00Z", "branch": "main", "commit_sha": "abc123"},
            "evaluations": [{
                "assertion_type": "pii", "test_name": "refund answer", "test_file": "tests/chat.spec.ts",
                "input_text": "What is the refund window?", "result": "pass", "score": 0.5, "reasoning": "checked",
                "judge_model": "gpt-4o-mini", "judge_latency_ms": 100, "judge_cost_usd": 0.25, "fallback_used": False,
                "threshold": 0.7, "threshold_source": "inline", "failure_reason": None,
            }],
        })
        made["provider_key"] = api.call("POST", "/v1/api-keys", {
            "name": f"fuzz-key-{copy}", "hub": "custom", "value": "unused", "url": f"{echo_url}/v1",
            "rate_limit_per_interval": 1000, "rate_limit_interval": 1,
        })["id"]
        made["evaluation"] = api.call("POST", "/v1/evaluations", {
            "id": str(uuid.uuid4()), "name": f"fuzz-{copy}", "hub": "custom", "api_key_proxy": made["provider_key"],
            "model": "mock-echo", "url": None, "scenario_config_filters": [],
            "agent_params": {"temperature": 0, "top_p": 1, "max_tokens": 32},
            "harness_config_ids": ["assay.harnesses.privacy"], "sample_size": 1, "is_lite": False, "version": "1.0.0",
        })["id"]
        made["agent"] = api.call("POST", "/v1/agent-configurations", {
            "agent_name": f"fuzz-agent-{copy}", "hub": "custom", "model_name": "mock-echo", "api_key_id": made["provider_key"],
            "agent_system_prompt": "You are a support agent.",
        })["id"]
        made["playground"] = api.call("POST", "/v1/playgrounds", {"name": f"fuzz-{copy}", "agent_configuration_id": made["agent"]})["id"]
        exchange = api.call("POST", f"/v1/playgrounds/{made['playground']}/messages", {"content": "Hello"})
        made["agent_session"] = exchange["agent_session_id"]
        made["message"] = exchange["results"][0]["id"]
        made["harness"] = str(uuid.uuid4())
        made["harness_version"] = "1.0.0"
        api.call("POST", "/v1/harness-configs", {
            "id": made["harness"], "name": f"fuzz-{copy}", "probes": [{"name": "p", "prompts": ["Hi"], "detector_ids": ["refusal"]}],
        })
        made["stage"] = api.call("POST", f"/v1/harness-configs/{made['harness']}/stages", {"harness_name": f"fuzz-{copy}"})["id"]
        made["stage_file"] = api.call("POST", f"/v1/harness-configs/{made['harness']}/stages/{made['stage']}/files", {
            "file_name": "policy.txt", "file_size": 5, "file_type": "text/plain",
        })["id"]
        made["team_prompt"] = api.call("POST", "/v1/prompts", {"text": "Where is my parcel?"})["id"]
        made["invite"] = api.call("POST", "/v1/invites", {"email": f"fuzz-{copy}@example.com", "team_role": "viewer"})["invite_id"]
        prompt = api.call("POST", "/api/v1/prompts", {"prompt": "You are a support agent.", "name": f"Fuzz {copy}", "mode": "none"})
        made["prompt"] = prompt["data"]["id"]
        revision = api.call("POST", "/api/v1/prompt-revisions", {"promptID": made["prompt"], "content": "You are a careful support agent."})
        made["revision"] = revision["data"]["id"]
        template = api.call("POST", "/api/v1/evaluation-templates", {
            "name": f"Fuzz refunds {copy}", "promptID": made["prompt"],
            "cases": [{"title": "Refund", "scenario": "I want a refund", "expectedResult": "The refund is confirmed", "responseThreshold": 2}],
            "tools": [], "contexts": [], "models": ["mock-echo"],
        })
        made["template"] = template["data"]["id"]
        workbench = api.call("POST", "/api/v1/evaluations", {"evaluationTemplateID": made["template"]})
        made["workbench_evaluation"] = workbench["data"]["id"]

    main = ids["main"]
    for copy in ("main", "spare"):
        evaluation = ids[copy]["evaluation"]
        wait_finished(api, evaluation)
        ids[copy]["report"] = api.call("POST", f"/v1/evaluations/{evaluation}/reports", {})["report_id"]
    responses = api.call("GET", f"/v1/responses?evaluation_id={main['evaluation']}&limit=5")["results"]
    if responses:
        response = responses[0]
        main["response"] = response["id"]
        main["probe"] = response.get("probe_config_id") or response.get("probe_id")
        for copy in ("main", "spare"):
            ids[copy]["feedback"] = api.call("POST", "/v1/results-feedback", {
                "response_id": response["id"], "detector_id": first_detector(response), "value": 1.0,
                "message": "looks right",
            })["id"]
    tests = api.call("GET", f"/v1/tests?evaluation_id={main['evaluation']}&limit=1")["results"]
    if tests:
        main["test"] = tests[0]["id"]
    main["detection"] = api.call("POST", "/v1/detections", {
        "id": str(uuid.uuid4()), "detector_id": "assay.detectors.refusal",
        "detector_inputs": [{"response": "I can't help with that.", "triggers": []}],
    })["id"]
    case_runs = api.call("GET", f"/api/v1/case-runs?evaluationID={main['workbench_evaluation']}")
    runs = case_runs["data"]["caseRuns"]
    if runs:
        main["case_run"] = runs[0]["id"]
    return ids


def first_detector(response):
    """The first detector that judged a response (`detector_ids` is a list or a comma-separated string)."""
    detectors = response["detector_ids"]
    return (detectors.split(",") if isinstance(detectors, str) else detectors)[0].strip()


def wait_finished(api, evaluation):
    for _ in range(600):
        status = api.call("GET", f"/v1/evaluations/{evaluation}")["status"]
        if status in ("COMPLETED", "FAILED", "CANCELLED"):
            return
        time.sleep(0.2)
    sys.exit(f"the seeded evaluation {evaluation} did not finish")


# Which seeded object each (path prefix, parameter) takes; the first match wins.
PARAMETERS = [
    ("/api/projects/", "slug", "slug"), ("/api/projects/", "run_id", "run"),
    ("/api/targets/", "id", "target"), ("/targets/", "id", "target"),
    ("/targets/", "session_id", "session"), ("/sessions/", "session_id", "session"),
    ("/api/v1/case-runs", "evaluationID", "workbench_evaluation"), ("/api/v1/case-runs/", "id", "case_run"),
    ("/api/v1/case-thread-messages", "caseRunID", "case_run"),
    ("/api/v1/evaluation-templates", "promptID", "prompt"), ("/api/v1/evaluation-templates/", "id", "template"),
    ("/api/v1/evaluations/", "id", "workbench_evaluation"),
    ("/api/v1/prompt-revisions", "promptID", "prompt"), ("/api/v1/prompt-revisions/", "id", "revision"),
    ("/api/v1/prompts/", "id", "prompt"),
    ("/v1/api-keys/", "id", "provider_key"), ("/v1/detections/", "id", "detection"),
    ("/v1/agent-configurations/", "id", "agent"),
    ("/v1/playgrounds/", "agent_session_id", "agent_session"), ("/v1/playgrounds/", "message_id", "message"),
    ("/v1/playgrounds/", "id", "playground"),
    ("/v1/harness-configs/", "harness_config_id", "harness"), ("/v1/harness-configs/", "staging_id", "stage"),
    ("/v1/harness-configs/", "file_id", "stage_file"), ("/v1/harness-configs/", "version", "harness_version"),
    ("/v1/prompts/", "id", "team_prompt"), ("/v1/invites/", "invite_id", "invite"),
    ("/v1/evaluations/", "report_id", "report"), ("/v1/evaluations/", "evaluation_id", "evaluation"),
    ("/v1/evaluations/", "id", "evaluation"),
    ("/v1/responses/", "id", "response"), ("/v1/probes/", "id", "probe"), ("/v1/tests/", "id", "test"),
    ("/v1/results-feedback/", "id", "feedback"), ("/v1/results-feedback", "response_id", "response"),
    ("/v1/", "evaluation_id", "evaluation"),
]


def destroys(method, path):
    return method == "delete" or path.endswith(("/delete", "/cancel"))


def operation_config(doc, ids):
    """A schemathesis.toml with one [[operations]] block per operation that takes a seeded id."""
    blocks = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            copy = ids["spare"] if destroys(method, path) else ids["main"]
            values = {}
            for parameter in operation.get("parameters", []):
                place, name = parameter["in"], parameter["name"]
                if place not in ("path", "query"):
                    continue
                for prefix, wanted, kind in PARAMETERS:
                    value = copy.get(kind) or ids["main"].get(kind)
                    if name == wanted and (path + "/").startswith(prefix) and value:
                        values[f"{place}.{name}"] = value
                        break
            if values:
                pairs = ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in sorted(values.items()))
                blocks.append(f"[[operations]]\ninclude-path = {json.dumps(path)}\ninclude-method = {json.dumps(method.upper())}\n"
                              f"parameters = {{ {pairs} }}\n")
    return "\n".join(blocks)


if __name__ == "__main__":
    main()
