"""The GitHub Action (action.yml): its steps run as GitHub would run them, on a local folder.

There is no GitHub runner here, so a small stand-in plays its part for a composite action:
inputs and their defaults, ``${{ }}`` expressions in ``env:`` / ``with:`` / ``if:``, the
``bash --noprofile --norc -eo pipefail`` shell, ``$GITHUB_OUTPUT`` between steps, and a step
failure stopping the action. ``run:`` steps run for real, the install step included (pip
install of a clean copy of this checkout, once per module); ``uses:`` steps are recorded
(setup-python answers with this machine's Python, the SARIF upload is only checked).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from cleancopy import clean_copy
from conftest import CLOSER_SCH, ROOT, user_repository

ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONDITION = re.compile(r"^(\S+)\s*(==|!=)\s*'([^']*)'$")
#: The base interpreter behind this venv, standing in for what setup-python installs.
BASE_PYTHON = os.path.realpath(sys.executable)


@dataclass
class Run:
    """One run of the action: its log, outputs, the ``uses:`` steps it reached, its result."""

    exit_code: int = 0
    failed_step: str | None = None
    log: str = ""
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    used: list[tuple[str, dict[str, str]]] = field(default_factory=list)


class Runner:
    """The part of GitHub's runner a composite action of ``run:`` and ``uses:`` steps needs."""

    def __init__(self, *, workspace: Path, temp: Path, action_path: Path,
                 inputs: dict[str, str], done: dict[str, dict[str, str]] | None = None) -> None:
        unknown = set(inputs) - set(ACTION["inputs"])
        assert not unknown, f"the action has no input {unknown}"
        # GitHub passes every input as a string, defaults included.
        self.inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        self.inputs.update(inputs)
        self.workspace, self.temp, self.action_path = workspace, temp, action_path
        # Steps already run (the install step, shared by a module): their outputs.
        self.done = dict(done or {})

    def value(self, expression: str, run: Run) -> str:
        """An expression the action may use; any other fails the test, to be added here."""
        parts = expression.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return run.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"the stand-in runner does not know ${{{{ {expression} }}}}")

    def substitute(self, text: str, run: Run) -> str:
        return EXPRESSION.sub(lambda match: self.value(match[1], run), text)

    def condition(self, step: dict[str, Any], run: Run) -> bool:
        """``if:``: only ``X == 'v'`` and ``X != 'v'``, as the action writes them."""
        if "if" not in step:
            return True
        match = CONDITION.match(EXPRESSION.sub(r"\1", str(step["if"])).strip())
        assert match, f"the stand-in runner cannot evaluate if: {step['if']}"
        value = self.value(match[1], run)
        return (value == match[3]) == (match[2] == "==")

    def environment(self) -> dict[str, str]:
        # The test's own venv is taken off PATH: the action must find teitool by itself.
        venv_bin = str(Path(sys.executable).parent)
        path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)
        env = {name: value for name, value in os.environ.items()
               if name not in {"VIRTUAL_ENV", "PYTHONPATH", "TEITOOL_CACHE_DIR"}
               and not name.startswith(("GITHUB_", "RUNNER_", "INPUT_"))}
        env.update(PATH=path, CI="true", GITHUB_ACTIONS="true", RUNNER_OS="Linux",
                   RUNNER_TEMP=str(self.temp), GITHUB_WORKSPACE=str(self.workspace),
                   GITHUB_ACTION_PATH=str(self.action_path))
        return env

    def run(self, *, until: str | None = None) -> Run:
        """Run the steps (those not done yet), up to the step ``until`` if given."""
        run = Run(outputs=dict(self.done))
        for number, step in enumerate(STEPS):
            step_id = step.get("id", f"step{number}")
            if step_id == until:
                break
            if step_id in self.done or not self.condition(step, run):
                continue
            if "uses" in step:
                with_ = {key: self.substitute(str(value), run)
                         for key, value in step.get("with", {}).items()}
                run.used.append((step["uses"], with_))
                if step["uses"].startswith("actions/setup-python@"):
                    run.outputs[step_id] = {"python-path": BASE_PYTHON}
                continue
            code, log, outputs = self.run_script(step, step_id, run)
            run.log += log
            run.outputs[step_id] = outputs
            if code != 0:  # a failed step ends a composite action
                run.exit_code, run.failed_step = code, step["name"]
                break
        return run

    def run_script(self, step: dict[str, Any], step_id: str,
                   run: Run) -> tuple[int, str, dict[str, str]]:
        assert step.get("shell") == "bash", f"{step['name']}: composite run steps need shell: bash"
        env = self.environment()
        env.update({name: self.substitute(str(value), run)
                    for name, value in step.get("env", {}).items()})
        output_file = self.temp / f"output-{step_id}"
        output_file.write_text("")
        env["GITHUB_OUTPUT"] = str(output_file)
        script = self.temp / f"script-{step_id}.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600, check=False,
        )
        return done.returncode, done.stdout + done.stderr, read_outputs(output_file)


def read_outputs(path: Path) -> dict[str, str]:
    """``$GITHUB_OUTPUT``: ``name=value`` lines, or ``name<<DELIMITER`` … ``DELIMITER``."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            for body in lines:
                if body == delimiter:
                    break
                value.append(body)
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value_ = line.split("=", 1)
            outputs[name] = value_
    return outputs


# --- the action's text ----------------------------------------------------------------------


def test_composite_action_with_bash_steps() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
        # A YAML true/false would reach the steps as GitHub spells it: write strings.
        assert isinstance(spec.get("default", ""), str), f"input {name}: default not a string"
    for step in STEPS:
        assert ("run" in step) != ("uses" in step), step.get("name")
        if "run" in step:
            assert step["shell"] == "bash"


def test_no_expression_inside_scripts() -> None:
    """Inputs reach scripts through env: only (GitHub's script-injection hardening rule)."""
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], f"{step['name']}: ${{{{ }}}} inside run:"
        for key in ("shell", "working-directory"):
            assert "${{" not in str(step.get(key, "")), f"{step['name']}: ${{{{ }}}} in {key}"


def test_action_installs_from_its_own_checkout() -> None:
    install = next(step for step in STEPS if step.get("id") == "install")
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    setup = next(step for step in STEPS if str(step.get("uses", "")).startswith(
        "actions/setup-python@"))
    assert str(setup["with"]["update-environment"]).lower() == "false"


# --- the action's steps, run ----------------------------------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """The action's setup and install steps, run once: outputs for the later steps."""
    base = tmp_path_factory.mktemp("action-install")
    action_path = clean_copy(base / "action")
    (base / "temp").mkdir()
    (base / "workspace").mkdir()
    runner = Runner(workspace=base / "workspace", temp=base / "temp", action_path=action_path,
                    inputs={})
    run = runner.run(until="validate")
    assert run.exit_code == 0, run.log
    teitool = Path(run.outputs["install"]["teitool"])
    # Installed into the action's own venv in $RUNNER_TEMP, not the test's venv.
    assert teitool.is_file() and teitool.is_relative_to(base / "temp"), teitool
    return run.outputs


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """A repository with valid TEI under tei/ and one invalid file under bad/."""
    return user_repository(tmp_path / "workspace")


def run_action(workspace: Path, installed: dict[str, dict[str, str]], **inputs: str) -> Run:
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    runner = Runner(workspace=workspace, temp=temp, action_path=ROOT, inputs=inputs,
                    done=installed)
    return runner.run()


def used(run: Run, action: str) -> list[dict[str, str]]:
    return [with_ for uses, with_ in run.used if uses.startswith(action + "@")]


def test_valid_tei_passes(workspace: Path, installed: dict[str, dict[str, str]]) -> None:
    run = run_action(workspace, installed, paths="tei")
    assert run.exit_code == 0, run.log
    assert run.outputs["validate"]["exit-code"] == "0"
    assert "4 files checked: all valid" in run.log
    assert used(run, "github/codeql-action/upload-sarif") == []  # not asked for
    assert used(run, "actions/setup-java") == []  # default: the runner's own Java
    # The result cache lives in $RUNNER_TEMP, never in the checked repository.
    assert not (workspace / ".teitool-cache").exists()


def test_invalid_tei_fails_with_annotations(workspace: Path,
                                            installed: dict[str, dict[str, str]]) -> None:
    run = run_action(workspace, installed)  # default paths: the whole repository
    assert run.exit_code == 1, run.log
    assert run.failed_step == "Fail on invalid TEI"
    assert run.outputs["validate"]["exit-code"] == "1"
    assert "unknown-element.xml,line=30,col=92,title=teitool.xsd::" in run.log
    assert "6 files checked: 1 of 6 invalid" in run.log


def test_annotations_name_files_as_github_does(workspace: Path,
                                               installed: dict[str, dict[str, str]]) -> None:
    """GitHub puts an annotation on the diff only for a path relative to the repository,
    without "./" (crate-ci/typos#1496): the default paths "." must give such paths too."""
    run = run_action(workspace, installed)
    assert "::error file=bad/unknown-element.xml,line=30" in run.log, run.log


def test_sarif_written_and_uploaded(workspace: Path,
                                    installed: dict[str, dict[str, str]]) -> None:
    run = run_action(workspace, installed, sarif="true")
    assert run.exit_code == 1  # still fails, after the upload
    sarif = Path(run.outputs["validate"]["sarif-file"])
    assert sarif.is_relative_to(workspace.parent / "runner-temp")
    assert '"ruleId": "teitool.xsd"' in sarif.read_text(encoding="utf-8")
    assert used(run, "github/codeql-action/upload-sarif") == [
        {"sarif_file": str(sarif), "category": "teitool"}]

    run = run_action(workspace, installed, paths="tei", sarif="reports/tei.sarif")
    assert run.exit_code == 0, run.log
    assert (workspace / "reports" / "tei.sarif").is_file()
    assert used(run, "github/codeql-action/upload-sarif") == [
        {"sarif_file": "reports/tei.sarif", "category": "teitool"}]


def test_list_inputs(workspace: Path, installed: dict[str, dict[str, str]]) -> None:
    # Space-separated on one line; one per line, where a path may hold spaces.
    run = run_action(workspace, installed, paths="tei/letters tei/front", format="text")
    assert run.exit_code == 0 and "2 files checked" in run.log, run.log
    (workspace / "my tei").mkdir()
    shutil.copy(workspace / "tei" / "front" / "intro-001.xml", workspace / "my tei")
    run = run_action(workspace, installed, paths="tei/letters\n  my tei  \n\n", format="text")
    assert run.exit_code == 0 and "2 files checked" in run.log, run.log
    # A glob is teitool's, not bash's: quoted through to teitool.
    run = run_action(workspace, installed, paths="tei/**/*.xml", format="text")
    assert run.exit_code == 0 and "4 files checked" in run.log, run.log


def test_schemas_no_builtin_and_args(workspace: Path,
                                     installed: dict[str, dict[str, str]]) -> None:
    schemas = workspace / "schemas"
    schemas.mkdir()
    (schemas / "closer.sch").write_text(CLOSER_SCH, encoding="utf-8")
    # --no-builtin: the invalid file is well-formed, so only the schemas speak.
    run = run_action(workspace, installed, paths="bad", **{"no-builtin": "true"})
    assert run.exit_code == 0, run.log
    run = run_action(workspace, installed, paths="tei", schemas="schemas/closer.sch",
                     **{"no-builtin": "true"})
    assert run.exit_code == 1 and "no-closer" in run.log, run.log
    run = run_action(workspace, installed, paths="tei", args="--strict --no-cache",
                     format="json")
    assert run.exit_code == 0 and '"files"' in run.log, run.log
    run = run_action(workspace, installed, **{"no-builtin": "maybe"})
    assert run.exit_code == 2 and "no-builtin must be true or false" in run.log


def test_teitool_cannot_run(workspace: Path, installed: dict[str, dict[str, str]]) -> None:
    (workspace / "old.sarif").write_text("{}", encoding="utf-8")
    run = run_action(workspace, installed, paths="no-such-folder", sarif="old.sarif")
    assert run.exit_code == 2, run.log
    assert "no-such-folder: no such file or folder" in run.log
    # No report was written: the file of that name is not uploaded.
    assert used(run, "github/codeql-action/upload-sarif") == []


HOSTILE = [
    "$(touch {marker})",
    "`touch {marker}`",
    "x; touch {marker}",
    "x && touch {marker} #",
    "x\ntouch {marker}",
    "'; touch {marker}; echo '",
    '"; touch {marker}; echo "',
    "${{IFS}}$(touch${{IFS}}{marker})",
    "x | touch {marker}",
    "x > {marker}",
]


@pytest.mark.parametrize("template", HOSTILE)
@pytest.mark.parametrize("name", ["paths", "schemas", "args", "format", "sarif", "no-builtin"])
def test_inputs_are_data(workspace: Path, installed: dict[str, dict[str, str]],
                         name: str, template: str) -> None:
    marker = workspace.parent / "pwned"
    canary = workspace / "tei" / "persons.xml"
    run = run_action(workspace, installed, **{name: template.format(marker=marker)})
    assert not marker.exists(), f"input {name} was run by a shell:\n{run.log}"
    assert canary.exists()
    # As data, none of these is a valid path, schema, option, format or flag.
    assert run.exit_code != 0, run.log


def test_hostile_file_name_checked_as_a_file(workspace: Path,
                                             installed: dict[str, dict[str, str]]) -> None:
    # A file name cannot hold a slash: the commands touch ./pwned, in the workspace.
    marker = workspace / "pwned"
    name = "$(touch pwned) `touch pwned`; touch pwned; rm -rf tei.xml"
    valid = workspace / "tei" / "letters" / "L1932-06-05-stalin-kaganovich.xml"
    shutil.copy(valid, workspace / "tei" / name)
    run = run_action(workspace, installed, paths=f"tei/{name}\n--help", format="text",
                     sarif="true")
    assert not marker.exists(), run.log
    # Both paths reached teitool as files: the first is valid, `--help` (after --) is none.
    assert run.exit_code == 2 and "--help: no such file or folder" in run.log, run.log
    run = run_action(workspace, installed, paths=f"tei/{name}\n", format="text")
    assert run.exit_code == 0 and "1 file checked: all valid" in run.log, run.log
    assert not marker.exists()
