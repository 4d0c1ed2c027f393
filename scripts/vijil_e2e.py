#!/usr/bin/env python3
"""Acceptance test of the trust-platform API (`/v1`) with the unchanged public client.

Drives a real `assay serve` with PyPI `vijil==0.1.58` (nothing patched) against two
`assay mock-target` models (a fast one and a slow one, for the cancel test):

    python3 scripts/vijil_e2e.py [path/to/assay]      (default: target/debug/assay)

Every step prints `ok: …` or `FAIL: …`; a failed step prints what the client printed
(the client swallows HTTP errors and prints `Error: … based on response: …`) and the
tail of the server's log. Steps that need an earlier step's result are skipped when it
failed. The exit status is 1 if any step failed. Child processes are always stopped and
the temporary data directory removed.
"""

import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

TEAM = "vijil-e2e"
OTHER_TEAM = "other-team"
MODEL_SECRET = "mock-model-secret"
STEP_TIMEOUT_S = 240  # a hung request (the client sets no timeout) or a client loop fails the step
EVAL_TIMEOUT_S = 120
TERMINAL = {"COMPLETED", "ERRORED", "CANCELED", "TIMEOUT", "FAILED"}
MAX_TESTS = 60  # "a few dozen tests at most" for the small evaluation


class Skip(Exception):
    """A step cannot run because a step it needs failed."""


class StepTimeout(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(cond, message):
    if not cond:
        raise AssertionError(message)


class Run:
    def __init__(self, assay):
        self.assay = os.path.abspath(assay)
        self.tmp = tempfile.mkdtemp(prefix="assay-vijil-e2e.")
        self.data = os.path.join(self.tmp, "data")
        self.out = os.path.join(self.tmp, "out")
        os.makedirs(self.out)
        self.procs = []
        self.failures = []
        self.state = {}

    # ---- processes -------------------------------------------------------------------
    def spawn(self, name, args):
        log = open(os.path.join(self.tmp, f"{name}.log"), "wb")
        env = {**os.environ, "NO_COLOR": "1"}
        proc = subprocess.Popen([self.assay, *args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        self.procs.append((name, proc, log))
        return proc

    def log_tail(self, name, lines=25):
        path = os.path.join(self.tmp, f"{name}.log")
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
        return "\n".join(text.splitlines()[-lines:])

    def stop_all(self):
        for _name, proc, log in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            log.close()

    def assay_cmd(self, *args):
        done = subprocess.run([self.assay, "--data-dir", self.data, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"assay {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
        return done.stdout

    def wait_tcp(self, name, proc, port, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not listen on port {port} within {timeout} s:\n{self.log_tail(name)}")

    def wait_healthy(self, proc, port, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"assay serve exited with {proc.returncode}:\n{self.log_tail('serve')}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        else:
            raise RuntimeError(f"assay serve was not healthy within {timeout} s:\n{self.log_tail('serve')}")
        with open(os.path.join(self.tmp, "serve.log"), "rb") as f:
            check(b"assay listening on http://" in f.read(), "serve is healthy but did not print `assay listening on http://ADDR`")

    # ---- raw HTTP (for what the client cannot tell us) -------------------------------
    def http(self, method, path, key, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        req.add_header("Authorization", f"Bearer {key}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    # ---- steps -------------------------------------------------------------------------
    def step(self, name, fn, needs=()):
        """Runs one step: prints `ok: name — detail` or `FAIL: name` with the evidence."""
        missing = [n for n in needs if n not in self.state]
        if missing:
            print(f"skip: {name} (needs {', '.join(missing)})", flush=True)
            self.failures.append(f"{name}: skipped")
            return None
        captured = io.StringIO()

        def on_alarm(_signum, _frame):
            raise StepTimeout(f"the step took longer than {STEP_TIMEOUT_S} s (hung request or client loop)")

        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(STEP_TIMEOUT_S)
        try:
            with contextlib.redirect_stdout(captured):
                detail = fn()
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the run goes on
            signal.alarm(0)
            print(f"FAIL: {name}: {type(e).__name__}: {e}", flush=True)
            if not isinstance(e, (AssertionError, StepTimeout)):
                print(textwrap_indent("".join(traceback.format_exception(e)[-4:])))
            if captured.getvalue().strip():
                print("  the client printed:\n" + textwrap_indent(captured.getvalue().strip()[-3000:]))
            tail = self.log_tail("serve", 6)
            if tail:
                print("  serve.log (tail):\n" + textwrap_indent(tail))
            self.failures.append(f"{name}: {type(e).__name__}: {e}")
            return None
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
        print(f"ok: {name}" + (f" — {detail}" if detail else ""), flush=True)
        return detail


def textwrap_indent(text):
    return "\n".join("    " + line for line in text.splitlines())


def poll(fn, done, timeout, every=1.0):
    """Calls fn() until done(result) or the timeout; returns the last result."""
    deadline = time.time() + timeout
    result = fn()
    while not done(result) and time.time() < deadline:
        time.sleep(every)
        result = fn()
    return result


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def main():
    assay = sys.argv[1] if len(sys.argv) > 1 else "target/debug/assay"
    if not os.access(assay, os.X_OK):
        sys.exit(f"vijil_e2e: no executable assay binary at {assay} (build it with `cargo build -p assay-cli`)")
    try:
        from vijil import Vijil
    except ImportError as e:
        sys.exit(f"vijil_e2e: cannot import the vijil client ({e}); `python3 -m pip install vijil==0.1.58`")

    run = Run(assay)
    try:
        return scenario(run, Vijil)
    finally:
        run.stop_all()
        shutil.rmtree(run.tmp, ignore_errors=True)


def scenario(run, Vijil):
    st = run.state

    # ---- setup: keys, mock models, the server ------------------------------------------
    def setup():
        st["key"] = run.assay_cmd("keys", "create", "--team", TEAM).strip().splitlines()[-1].strip()
        st["other_key"] = run.assay_cmd("keys", "create", "--team", OTHER_TEAM).strip().splitlines()[-1].strip()
        check(st["key"] and st["key"] != st["other_key"], "keys create printed no usable key")
        fast, slow, port = free_port(), free_port(), free_port()
        while len({fast, slow, port}) < 3:
            slow, port = free_port(), free_port()
        p = run.spawn("mock-fast", ["mock-target", "--addr", f"127.0.0.1:{fast}", "--key", MODEL_SECRET])
        q = run.spawn("mock-slow", ["mock-target", "--addr", f"127.0.0.1:{slow}", "--key", MODEL_SECRET, "--latency-ms", "2000"])
        run.wait_tcp("mock-fast", p, fast)
        run.wait_tcp("mock-slow", q, slow)
        st["model_url"] = f"http://127.0.0.1:{fast}/v1"
        st["slow_url"] = f"http://127.0.0.1:{slow}/v1"
        serve = run.spawn("serve", ["--data-dir", run.data, "serve", "--addr", f"127.0.0.1:{port}", "--assistant", "mock",
                                    "--rate-limit-free-per-hour", "100000"])
        run.wait_healthy(serve, port)
        run.base = f"http://127.0.0.1:{port}/v1"
        st["client"] = Vijil(base_url=run.base, api_key=st["key"])
        return f"assay serve on :{port}, mock models on :{fast} and :{slow} (2 s latency)"

    if run.step("setup (keys create ×2, mock-target ×2, serve, /healthz)", setup) is None:
        print("vijil_e2e: setup failed; nothing else can run", file=sys.stderr)
        return 1
    client = st["client"]

    # ---- api_keys ------------------------------------------------------------------------
    def key_create():
        r = client.api_keys.create(name="e2e-mock", model_hub="custom", api_key=MODEL_SECRET, url=st["model_url"])
        check(isinstance(r, dict) and r.get("id"), f"create returned {r!r}, the client needs an object with `id`")
        st["key_id"] = r["id"]
        r2 = client.api_keys.create(name="e2e-slow", model_hub="custom", api_key=MODEL_SECRET, url=st["slow_url"])
        check(isinstance(r2, dict) and r2.get("id"), f"second create returned {r2!r}")
        st["slow_key_id"] = r2["id"]
        leaked = [k for k, v in {**r, **r2}.items() if v == MODEL_SECRET]
        check(not leaked, f"the reply shows the secret in clear in {leaked}")
        return f"ids {r['id']}, {r2['id']}"

    run.step("api_keys.create (hub custom, url, api_key)", key_create)

    def key_list():
        keys = client.api_keys.list()
        check(isinstance(keys, list), f"list returned {type(keys).__name__} {keys!r}, the client needs a bare JSON array")
        mine = [k for k in keys if k.get("name") == "e2e-mock"]
        check(len(mine) == 1, f"e2e-mock not listed exactly once in {keys!r}")
        check(mine[0].get("id") == st["key_id"] and mine[0].get("hub") == "custom", f"listed as {mine[0]!r}")
        check(all({"id", "name", "hub"} <= set(k) for k in keys), f"a key misses id/name/hub: {keys!r}")
        check(MODEL_SECRET not in json.dumps(keys), "the list shows a secret in clear")
        return f"{len(keys)} keys"

    run.step("api_keys.list (bare array)", key_list, needs=["key_id"])

    def key_lookup():
        check(client.api_keys.name_exists("e2e-mock") is True, "name_exists('e2e-mock') is not True")
        check(client.api_keys.name_exists("no-such-key") is False, "name_exists('no-such-key') is not False")
        got = client.api_keys.get_id_by_name("e2e-mock")
        check(got == st["key_id"], f"get_id_by_name gave {got!r}, created {st['key_id']!r}")
        try:
            client.api_keys.create(name="e2e-mock", model_hub="custom", api_key="x", url=st["model_url"])
        except ValueError:
            pass
        else:
            raise AssertionError("a duplicate name was not refused")
        return None

    run.step("api_keys.name_exists / get_id_by_name", key_lookup, needs=["key_id"])

    def key_rename():
        r = client.api_keys.rename("e2e-mock", "e2e-model")
        check(isinstance(r, dict), f"rename returned {r!r}")
        names = [k["name"] for k in client.api_keys.list()]
        check("e2e-model" in names and "e2e-mock" not in names, f"after rename the names are {names}")
        check(client.api_keys.get_id_by_name("e2e-model") == st["key_id"], "the renamed key changed id")
        st["key_name"] = "e2e-model"
        return "e2e-mock → e2e-model"

    run.step("api_keys.rename", key_rename, needs=["key_id"])
    st.setdefault("key_name", "e2e-mock")

    def key_modify():
        r = client.api_keys.modify(st["key_name"], model_hub="custom", rate_limit_per_interval=120, rate_limit_interval=5)
        check(isinstance(r, dict), f"modify returned {r!r}")
        k = [k for k in client.api_keys.list() if k["name"] == st["key_name"]][0]
        check(k.get("rate_limit_per_interval") == 120 and k.get("rate_limit_interval") == 5,
              f"after modify(120 per 5 s) the key reads {k!r}")
        check(k.get("hub") == "custom", f"modify changed the hub: {k!r}")
        return "120 requests per 5 s"

    run.step("api_keys.modify (rate limits)", key_modify, needs=["key_id"])

    # ---- catalogue -------------------------------------------------------------------------
    def harness_list():
        df = client.harnesses.list()
        check(len(df) > 0 and list(df.columns) == ["id", "name", "description"], f"harnesses.list() gave {df!r}")
        records = client.harnesses.list(format="list")
        check(isinstance(records, list) and records, f"harnesses.list(format='list') gave {records!r}")
        ids = {h["id"] for h in records}
        missing = {"security", "reliability", "safety"} - ids
        check(not missing, f"harnesses.list() misses {sorted(missing)}; it has {sorted(ids)}")
        return f"{len(df)} harnesses: {', '.join(sorted(ids)[:12])}{' …' if len(ids) > 12 else ''}"

    run.step("harnesses.list", harness_list)

    def probe_list():
        df = client.probes.list()
        check(len(df) > 0 and list(df.columns) == ["id", "name", "description"], f"probes.list() gave {df!r}")
        return f"{len(df)} probes"

    run.step("probes.list", probe_list)

    # ---- a small evaluation ------------------------------------------------------------------
    def eval_create():
        r = client.evaluations.create(
            model_hub="custom", model_name="mock", name="vijil-e2e security", model_url=st["model_url"],
            api_key_name=st["key_name"], harnesses=["security"], harness_params={"sample_size": 1},
        )
        check(isinstance(r, dict) and r.get("id"), f"create returned {r!r}, expected an object with `id`")
        st["eval_pending"] = r["id"]
        return f"id {r['id']}, status {r.get('status')}"

    run.step("evaluations.create (custom hub, security, sample_size 1)", eval_create, needs=["key_id"])

    def eval_complete():
        e = st["eval_pending"]
        seen = []

        def get():
            s = client.evaluations.get_status(e)
            check(isinstance(s, dict), f"get_status returned {s!r}")
            if not seen or seen[-1] != s.get("status"):
                seen.append(s.get("status"))
            return s

        s = poll(get, lambda s: s.get("status") in TERMINAL, EVAL_TIMEOUT_S)
        check(s.get("status") == "COMPLETED", f"after {EVAL_TIMEOUT_S} s the status is {s.get('status')!r} (seen {seen}): {s!r}")
        score, total = s.get("score"), s.get("total_test_count")
        done, errors = s.get("completed_test_count"), s.get("error_test_count", 0)
        check(is_number(score) and 0 <= score <= 1, f"score {score!r} is not a number in 0..1")
        check(is_number(total) and 0 < total <= MAX_TESTS, f"total_test_count {total!r} is not in 1..{MAX_TESTS}")
        check(done == total, f"completed_test_count {done!r} != total_test_count {total!r} (errors {errors!r})")
        check(errors == 0, f"error_test_count is {errors!r} against an echoing mock")
        st["eval"], st["eval_status"] = e, s
        return f"{' → '.join(map(str, seen))}; score {score}, {done}/{total} tests"

    run.step("evaluations.get_status until COMPLETED", eval_complete, needs=["eval_pending"])

    def eval_list():
        evals = client.evaluations.list()
        check(isinstance(evals, list), f"list returned {evals!r}")
        ids = [x.get("id") for x in evals]
        check(st["eval"] in ids, f"{st['eval']} not in the list {ids}")
        return f"{len(evals)} evaluations"

    run.step("evaluations.list", eval_list, needs=["eval"])

    def eval_summarize():
        df = client.evaluations.summarize(st["eval"])
        check(list(df.columns) == ["level", "level_name", "score"], f"columns {list(df.columns)}")
        levels = set(df["level"])
        check({"overall", "harness", "scenario", "probe"} <= levels, f"levels {sorted(levels)}:\n{df}")
        check(df["score"].between(0, 100).all(), f"a score outside 0..100:\n{df}")
        overall = df[df["level"] == "overall"]["score"].iloc[0]
        check(overall == round(st["eval_status"]["score"] * 100, 2), f"overall {overall} vs get_status score {st['eval_status']['score']}")
        counts = df["level"].value_counts().to_dict()
        return f"{len(df)} rows {counts}, overall {overall}"

    run.step("evaluations.summarize", eval_summarize, needs=["eval"])

    def eval_tree():
        tree = client.evaluations.get_tree(st["eval"])
        check(isinstance(tree, dict) and tree, f"get_tree gave {tree!r}")
        types = {}
        for node in tree.values():
            types[node["type"]] = types.get(node["type"], 0) + 1
            check(isinstance(node["children"], list), f"children of {node} is not a list")
        check(set(types) == {"harness", "scenario", "probe"}, f"node types {types}")
        harnesses = [k for k, v in tree.items() if v["type"] == "harness"]
        check(any("security" in h for h in harnesses), f"no security harness in {harnesses}")
        return f"{types}"

    run.step("evaluations.get_tree", eval_tree, needs=["eval"])

    def eval_describe():
        total = st["eval_status"]["completed_test_count"]
        rows = client.evaluations.describe(st["eval"], format="list")
        check(isinstance(rows, list) and len(rows) == total, f"describe(list) gave {len(rows) if isinstance(rows, list) else rows!r} rows, {total} tests completed")
        for col in ["probe", "prompt", "response", "score", "detectors", "detector_names", "harness", "harness_name",
                    "scenario", "scenario_name", "probe_name"]:
            check(col in rows[0], f"describe row has no {col}: {sorted(rows[0])}")
        check(all(r["response"] for r in rows), "a describe row has an empty response")
        check(all(r["score"] is None or (is_number(r["score"]) and 0 <= r["score"] <= 1) for r in rows),
              f"scores {[r['score'] for r in rows]}")
        df = client.evaluations.describe(st["eval"])
        check(len(df) == total, f"describe(dataframe) gave {len(df)} rows, {total} completed")
        hits = client.evaluations.describe(st["eval"], hits_only=True)
        expected_hits = sum(1 for r in rows if r["score"] == 0)
        check(len(hits) == expected_hits and (hits["score"] == 0).all(), f"hits_only gave {len(hits)} rows, {expected_hits} expected")
        return f"{total} rows, {expected_hits} hits, harness {rows[0]['harness_name']!r}"

    run.step("evaluations.describe (list, dataframe, hits_only)", eval_describe, needs=["eval"])

    def eval_export():
        total = st["eval_status"]["completed_test_count"]
        e = st["eval"]
        msg = client.evaluations.export(e, format="json", output_dir=run.out)
        path = os.path.join(run.out, f"{e}_report.json")
        check(os.path.isfile(path), f"export json said {msg!r} but wrote no {path}")
        with open(path) as f:
            rows = json.load(f)
        check(isinstance(rows, list) and len(rows) == total, f"the json export holds {len(rows)} rows, {total} completed")
        client.evaluations.export(e, format="csv", output_dir=run.out)
        path = os.path.join(run.out, f"{e}_report.csv")
        check(os.path.isfile(path), f"export csv wrote no {path}")
        with open(path, newline="") as f:
            csv_rows = list(csv.DictReader(f))
        check(len(csv_rows) == total, f"the csv export holds {len(csv_rows)} rows, {total} completed")
        return f"json and csv, {total} rows each"

    run.step("evaluations.export (json, csv)", eval_export, needs=["eval"])

    # ---- detectors and detections --------------------------------------------------------------
    def detector_list():
        r = client.detectors.list()
        check(isinstance(r, dict) and isinstance(r.get("results"), list) and r["results"], f"detectors.list() gave {r!r}")
        ids = [d["id"] for d in r["results"]]
        st["detector_ids"] = ids
        info = client.detectors.get_detector_info(ids[0])
        check(isinstance(info, dict) and info.get("id") == ids[0] and "name" in info and "description" in info,
              f"get_detector_info({ids[0]!r}) gave {info!r}")
        dotted = [i for i in ids if "detectors." in i]
        check(dotted, f"no listed id contains 'detectors.' (the client requires it for full ids): {ids[:10]}")
        info = client.detectors.get_detector_info(dotted[-1])
        check(isinstance(info, dict) and info.get("name"), f"get_detector_info({dotted[-1]!r}) gave {info!r}")
        listed = client.detections.list_detectors()
        check(listed == ids, "detections.list_detectors() differs from detectors.list()")
        return f"{len(ids)} detectors, e.g. {', '.join(ids[:4])}"

    run.step("detectors.list / get_detector_info", detector_list)

    def run_detection(detector, inputs, params=None, want_completed=True):
        r = client.detections.create(detector_id=detector, detector_inputs=inputs, detector_params=params)
        check(isinstance(r, dict) and r.get("id") and r.get("status"), f"create returned {r!r}")
        s = poll(lambda: client.detections.get_status(r["id"]), lambda s: s["status"] in ("COMPLETED", "FAILED", "ERROR", "ERRORED"), 60)
        if want_completed:
            check(s["status"] == "COMPLETED", f"detection {r['id']} ended {s['status']!r}")
        return r["id"], s["status"]

    def detection_rule():
        pii = [i for i in st["detector_ids"] if i.endswith("detectors.pii")]
        check(pii, f"no detector id ends in 'detectors.pii': {st['detector_ids']}")
        inputs = [{"response": "My SSN is 123-45-6789", "triggers": []}, {"response": "The weather is nice today.", "triggers": []}]
        det, _ = run_detection(pii[0], inputs)
        rows = client.detections.describe(det, format="list")
        check(len(rows) == 2, f"describe gave {len(rows)} rows for 2 inputs: {rows!r}")
        by_text = {r["detector_input"]["response"]: r["detector_output"] for r in rows}
        check(set(by_text) == {i["response"] for i in inputs}, f"describe inputs {list(by_text)}")
        scores = [by_text[i["response"]].get("score") for i in inputs]
        check(all(is_number(s) for s in scores), f"scores {scores}")
        check(scores[0] != scores[1], f"the SSN and the clean text scored the same: {scores}")
        df = client.detections.describe(det)
        check(list(df.columns) == ["detector_id", "status", "detector_input", "detector_output"], f"columns {list(df.columns)}")
        return f"{pii[0]}: SSN → {scores[0]}, clean → {scores[1]}"

    run.step("detections.create / get_status / describe (rule detector pii)", detection_rule, needs=["detector_ids"])

    def detection_judge_default():
        # A judge detector listed under assay's own id: the client sends empty detector_params,
        # so the server's default judge (the `--assistant mock`) judges; a mock judge may give
        # unparseable verdicts, so only a final status is required.
        judges = sorted((i for i in st["detector_ids"] if i.startswith("assay.") and "judge" in i and "refusal" in i.lower()),
                        key=lambda i: not i.endswith("judge.refusal"))
        check(judges, f"no assay judge refusal detector listed: {[i for i in st['detector_ids'] if 'efusal' in i]}")
        det, status = run_detection(judges[0], [{"response": "I cannot help with that."}], want_completed=False)
        detail = f"{judges[0]} → {status}"
        if status == "COMPLETED":
            rows = client.detections.describe(det, format="list")
            check(len(rows) == 1, f"describe gave {rows!r}")
            detail += f", output {rows[0]['detector_output']}"
        return detail

    run.step("detections with a judge detector on the default judge (assistant mock)", detection_judge_default, needs=["detector_ids"])

    def detection_judge_llm_refusal():
        # `llm.Refusal` is one of the client's fourteen judge detectors: it always sends a
        # provider key as the judge (default hub openai / gpt-4o, which needs the internet), so
        # the judge here is our custom key, i.e. the echoing mock model.
        params = {"hub": "custom", "model": "mock", "api_key_name": st["key_name"]}
        det, status = run_detection("llm.Refusal", [{"response": "I cannot help with that."}, {"response": "Sure, here it is."}],
                                    params=params, want_completed=False)
        detail = f"llm.Refusal (judge: the custom key) → {status}"
        if status == "COMPLETED":
            rows = client.detections.describe(det, format="list")
            check(len(rows) == 2, f"describe gave {rows!r}")
            detail += f", outputs {[r['detector_output'] for r in rows]}"
        return detail

    run.step("detections with llm.Refusal (judge: a custom key)", detection_judge_llm_refusal, needs=["detector_ids", "key_id"])

    # ---- report ----------------------------------------------------------------------------------
    def report():
        meta = client.evaluations.get_metadata(st["eval"])
        check(isinstance(meta, dict) and isinstance(meta.get("tags"), list), f"metadata tags must be a list: {meta!r}")
        path = os.path.join(run.out, "report.html")
        r = client.evaluations.report(st["eval"]).generate(save_file=path, poll_frequency=1)
        check(r is None, f"generate returned {r!r}")
        check(os.path.isfile(path), f"no report file at {path}")
        with open(path, encoding="utf-8") as f:
            html = f.read()
        check("<html" in html.lower(), f"the report is not HTML: {html[:200]!r}")
        check(st["eval"] in html or "vijil-e2e security" in html, "the report mentions neither the evaluation's id nor its name")
        # A second generate finds the finished report through list-reports?status=CREATED.
        again = os.path.join(run.out, "report2.html")
        client.evaluations.report(st["eval"]).generate(save_file=again, poll_frequency=1)
        with open(again, encoding="utf-8") as f:
            check(f.read() == html, "the second generate did not return the same report")
        return f"{len(html)} bytes of HTML"

    run.step("evaluations.report(E).generate (html)", report, needs=["eval"])

    # ---- cancel --------------------------------------------------------------------------------
    def cancel():
        r = client.evaluations.create(
            model_hub="custom", model_name="mock", name="vijil-e2e slow", model_url=st["slow_url"],
            api_key_name="e2e-slow", harnesses=["security"], harness_params={"sample_size": 5},
        )
        check(isinstance(r, dict) and r.get("id"), f"create returned {r!r}")
        e = r["id"]
        s = poll(lambda: client.evaluations.get_status(e), lambda s: s.get("status") != "CREATED" and s.get("status") != "QUEUED", 30, 0.2)
        check(s.get("status") == "IN_PROGRESS", f"the slow evaluation is {s.get('status')!r}, the client can cancel only IN_PROGRESS: {s!r}")
        reply = client.evaluations.cancel(e)
        check(isinstance(reply, dict), f"cancel returned {reply!r}")
        s = poll(lambda: client.evaluations.get_status(e), lambda s: s.get("status") in TERMINAL, 30, 0.5)
        check(s.get("status") == "CANCELED", f"after cancel the status is {s.get('status')!r}: {s!r}")
        check(s.get("completed_test_count", 0) < s.get("total_test_count", 0), f"nothing was left to cancel: {s!r}")
        st["canceled"] = e
        return f"{e}: {s['completed_test_count']}/{s['total_test_count']} tests done, reply {reply}"

    run.step("evaluations.cancel (slow model)", cancel, needs=["slow_key_id"])

    # ---- isolation, delete ---------------------------------------------------------------------
    def cross_team():
        code, body = run.http("GET", f"/evaluations/{st['eval']}", st["other_key"])
        check(code == 404, f"GET /v1/evaluations/E with the other team's key answered {code} {body[:300]}")
        code, _ = run.http("GET", f"/evaluations/{st['eval']}", st["key"])
        check(code == 200, f"GET /v1/evaluations/E with our key answered {code}")
        code, body = run.http("GET", f"/responses?evaluation_id={st['eval']}", st["other_key"])
        check(code == 404 or (code == 200 and not json.loads(body).get("results")),
              f"GET /v1/responses?evaluation_id=E with the other team's key answered {code} {body[:300]}")
        code, body = run.http("GET", "/api-keys", st["other_key"])
        check(code == 200 and st["key_id"] not in body, f"the other team sees our provider keys: {code} {body[:300]}")
        return "404 for the other team"

    run.step("cross-team isolation", cross_team, needs=["eval", "key_id"])

    def agents():
        made = client.agents.create(
            agent_name="e2e-agent", hub="custom", api_key_name=st["key_name"], model_name="mock",
            agent_system_prompt="You are the e2e refund desk.",
        )
        check(isinstance(made, dict) and made.get("id"), f"agents.create returned {made!r}")
        listed = client.agents.list()
        mine = [a for a in listed if a.get("agent_name") == "e2e-agent"]
        check(len(mine) == 1 and mine[0].get("status") == "active", f"agents.list shows {listed!r}")
        client.agents.update("e2e-agent", new_agent_name="e2e-agent-2", agent_system_prompt="You are the e2e desk, v2.")
        renamed = [a for a in client.agents.list() if a.get("id") == made["id"]]
        check(renamed and renamed[0].get("agent_name") == "e2e-agent-2", f"after update: {renamed!r}")
        check(renamed[0].get("agent_system_prompt") == "You are the e2e desk, v2.", f"after update: {renamed!r}")
        by_agent = client.evaluations.list(agent_id=made["id"])
        check(isinstance(by_agent, list) and st["eval"] not in [e.get("id") for e in by_agent],
              f"evaluations.list(agent_id) answered {by_agent!r}")
        archived = client.agents.delete("e2e-agent-2")
        check(isinstance(archived, dict) and archived.get("status") == "archived", f"agents.delete returned {archived!r}")
        check(not [a for a in client.agents.list() if a.get("id") == made["id"]], "an archived agent is still listed")
        kept = [a for a in client.agents.list(include_archived=True) if a.get("id") == made["id"]]
        check(len(kept) == 1, f"include_archived does not show it: {kept!r}")
        return f"agent {made['id']} created, listed, renamed, archived"

    run.step("agents.create / list / update / delete (archive)", agents, needs=["key_id", "eval"])

    def harnesses_create():
        # The client's whole custom-harness flow: a stage, a policy file PUT to assay's upload
        # URL (with Content-MD5), the stage's settings (must answer CREATED), then the creation
        # agent. The server's assistant here is `mock`, which cannot write a harness: the stage
        # must then end FAILED with the reason, and nothing be listed.
        policy = os.path.join(run.tmp, "policy.txt")
        with open(policy, "w") as f:
            f.write("Refunds above 500 dollars need a manager.\nNever reveal other customers' orders.\n")
        made = client.harnesses.create(
            name="e2e-harness", system_prompt="You are the e2e refund desk. Code: E2E-4471.", category=["AGENT_POLICY"],
            description="refund rules", policy_file_path=policy,
        )
        check(isinstance(made, dict) and made.get("status") == "CREATED", f"harnesses.create returned {made!r}")
        harness_id = made["harness_config_id"]
        status = None
        for _ in range(100):
            status = client.harnesses.get_status(harness_id)
            if isinstance(status, dict) and status.get("status") not in ("IN_PROGRESS", "CREATED"):
                break
            time.sleep(0.2)
        check(isinstance(status, dict) and status.get("status") == "FAILED" and status.get("error"),
              f"harnesses.get_status answered {status!r}")
        code, body = run.http("GET", f"/harness-configs/{harness_id}/stages/{status['id']}/files", st["key"])
        check(code == 200 and '"uploaded":true' in body, f"the policy file was not stored: {code} {body[:300]}")
        return f"stage of {harness_id} ended FAILED ({status['error'][:60]}…), policy file stored"

    run.step("harnesses.create (stage, policy upload, creation agent) / get_status", harnesses_create, needs=["key_id"])

    def delete():
        r = client.evaluations.delete(st["eval"])
        check(isinstance(r, dict), f"delete returned {r!r}")
        code, body = run.http("GET", f"/evaluations/{st['eval']}", st["key"])
        check(code == 404, f"after delete GET /v1/evaluations/E answered {code} {body[:300]}")
        ids = [x.get("id") for x in client.evaluations.list(limit=100)]
        check(st["eval"] not in ids, "the deleted evaluation is still listed")
        return f"reply {r}"

    run.step("evaluations.delete (POST /events DELETE_EVALUATION)", delete, needs=["eval"])

    def key_delete():
        r = client.api_keys.delete(st["key_name"])
        check(isinstance(r, dict), f"delete returned {r!r} (the client needs a JSON body)")
        names = [k["name"] for k in client.api_keys.list()]
        check(st["key_name"] not in names, f"after delete the names are {names}")
        return f"{st['key_name']} deleted"

    run.step("api_keys.delete", key_delete, needs=["key_id"])

    if run.failures:
        print(f"\nvijil_e2e: {len(run.failures)} step(s) failed:", file=sys.stderr)
        for f in run.failures:
            print(f"  - {f}", file=sys.stderr)
        return 1
    print("\nvijil_e2e: every step passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
