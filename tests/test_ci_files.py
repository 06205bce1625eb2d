"""The CI workflow and the composite Action are safe to copy: zizmor finds nothing in them, and
they do what docs/reports-and-baselines.md says (pinned actions, no persisted credentials, reports uploaded)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
ACTION = ROOT / "action.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def _zizmor() -> str:
    """zizmor from the project's environment (requirements.lock pins it), else from PATH."""
    local = Path(sys.executable).with_name("zizmor")
    found = str(local) if local.exists() else shutil.which("zizmor")
    if found is None:
        pytest.fail("zizmor is not installed: run scripts/setup.sh (requirements.lock pins it)")
    return found


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing_in_the_workflow_and_the_action(persona: str) -> None:
    result = subprocess.run(
        [_zizmor(), "--offline", "--no-progress", "--persona", persona, "--format", "json",
         str(WORKFLOW), str(ACTION)],
        capture_output=True, text=True, timeout=120,
    )
    findings = json.loads(result.stdout or "[]")
    summary = [f"{f.get('ident')}: {f.get('desc')}" for f in findings]
    assert findings == [], f"zizmor ({persona}) findings: {summary}\n{result.stderr}"
    assert result.returncode == 0, result.stderr


def _uses(document: dict[str, Any]) -> list[str]:
    steps: list[dict[str, Any]] = []
    for job in document.get("jobs", {}).values():
        steps += job.get("steps", [])
    steps += document.get("runs", {}).get("steps", [])
    return [s["uses"] for s in steps if "uses" in s]


def test_actions_are_pinned_to_commits_and_checkout_keeps_no_credentials() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    action = yaml.safe_load(ACTION.read_text())
    uses = _uses(workflow) + _uses(action)
    assert uses and all(PINNED.match(u) for u in uses), uses
    for line in (WORKFLOW.read_text() + ACTION.read_text()).splitlines():
        if "uses:" in line:
            assert re.search(r"# v\d+\.\d+\.\d+$", line), f"say which release a SHA is: {line.strip()}"
    checkout = [s for j in workflow["jobs"].values() for s in j["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout and all(s["with"]["persist-credentials"] is False for s in checkout)
    assert workflow["permissions"] == {"contents": "read"}


def test_no_expression_is_expanded_inside_a_script() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    action = yaml.safe_load(ACTION.read_text())
    steps = [s for j in workflow["jobs"].values() for s in j["steps"]] + action["runs"]["steps"]
    for step in steps:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_the_workflow_publishes_the_reports() -> None:
    text = WORKFLOW.read_text()
    assert all(f'--{flag} "build/results/demo-$ENGINE' in text for flag in ("report", "markdown", "junit"))
    assert '>> "$GITHUB_STEP_SUMMARY"' in text and 'demo-{engine}.md' in text
    upload = [s for j in yaml.safe_load(text)["jobs"].values() for s in j["steps"]
              if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload and "build/results/" in upload[0]["with"]["path"]


def test_the_action_has_the_documented_inputs() -> None:
    action = yaml.safe_load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"models", "engine", "runtime", "kernels", "baseline", "tolerance",
                                     "update-baseline", "report-dir", "summary", "count"}
    assert action["inputs"]["models"]["required"] is True
    docs = (ROOT / "docs" / "reports-and-baselines.md").read_text()
    for name in action["inputs"]:
        assert f"`{name}`" in docs, f"docs/reports-and-baselines.md does not document the action input {name}"
