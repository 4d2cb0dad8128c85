"""`teitool build`: the chain, its stops, its summary, and outputs that survive interruptions."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SOURCES

from tei import build as build_mod
from tei.build import (
    DONE,
    FAILED,
    SKIPPED,
    StepResult,
    build_edition,
    check_output_folder,
)
from tei.cli import main
from tei.config import Settings
from tei.errors import TeitoolError

SAMPLE = FIXTURES / "export" / "sources"  # three letters of 003, with an [edition] table
REGISTER = SOURCES / "persons.xml"


def fake_step(name: str, write: str, status: str = DONE, action=None):
    """A step that writes one file into the staging folder, then maybe misbehaves."""

    def run(ctx) -> StepResult:
        target = ctx.staging / write
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"{name} output\n")
        if action is not None:
            action()
        return StepResult(name, status, outputs=[write], warnings=[f"{name} noticed something"])

    return (name, run)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def previous(tmp_path: Path) -> Settings:
    """A build folder holding the outputs of an earlier, successful build."""
    settings = Settings(sources=(SAMPLE,), output=tmp_path / "build")
    result = build_edition(
        settings, steps=[fake_step("encode", "tei/a.xml"), fake_step("export", "export/c.xml")]
    )
    assert result.replaced and result.exit_code == 0
    return settings


def leftovers(settings: Settings) -> list[str]:
    return [p.name for p in settings.output.parent.iterdir() if p.name.startswith(".")]


def raise_(exc: BaseException):
    def action():
        raise exc

    return action


@pytest.mark.parametrize(
    "exc",
    [
        KeyboardInterrupt(),
        TeitoolError("render web: the stylesheet failed"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
    ids=["ctrl-c", "step-error", "disk-full"],
)
def test_an_interrupted_build_leaves_the_previous_outputs(previous: Settings, exc) -> None:
    before = snapshot(previous.output)
    steps = [fake_step("encode", "tei/new.xml"), fake_step("render web", "site/x", action=raise_(exc))]
    with pytest.raises(type(exc)):
        build_edition(previous, steps=steps)
    assert snapshot(previous.output) == before
    assert leftovers(previous) == []


def test_sigterm_is_an_interruption_too(previous: Settings) -> None:
    before = snapshot(previous.output)
    handler = signal.getsignal(signal.SIGTERM)
    steps = [
        fake_step("encode", "tei/new.xml"),
        fake_step("render print", "print/e.pdf", action=lambda: os.kill(os.getpid(), signal.SIGTERM)),
    ]
    with pytest.raises(KeyboardInterrupt):
        build_edition(previous, steps=steps)
    assert snapshot(previous.output) == before
    assert leftovers(previous) == []
    assert signal.getsignal(signal.SIGTERM) is handler  # restored after the build


def test_validation_errors_stop_the_build_and_replace_nothing(previous: Settings) -> None:
    before = snapshot(previous.output)
    steps = [
        fake_step("encode", "tei/new.xml"),
        fake_step("validate", "reports/v.txt", status=FAILED),
        fake_step("render web", "site/index.html"),
    ]
    result = build_edition(previous, steps=steps)
    assert result.exit_code == 1 and not result.replaced
    assert [s.status for s in result.steps] == [DONE, FAILED, SKIPPED]
    assert snapshot(previous.output) == before
    assert "nothing replaced" in result.summary()


def test_keep_going_builds_past_validation_errors_but_still_fails(previous: Settings) -> None:
    steps = [
        fake_step("encode", "tei/new.xml"),
        fake_step("validate", "reports/v.txt", status=FAILED),
        fake_step("render web", "site/index.html"),
    ]
    result = build_edition(previous, steps=steps, keep_going=True)
    assert result.exit_code == 1 and result.replaced
    assert [s.status for s in result.steps] == [DONE, FAILED, DONE]
    assert sorted(snapshot(previous.output)) == ["reports/v.txt", "site/index.html", "tei/new.xml"]


def test_keep_going_does_not_pass_over_a_failed_encoding(previous: Settings) -> None:
    steps = [fake_step("encode", "tei/new.xml", status=FAILED), fake_step("validate", "r/v")]
    result = build_edition(previous, steps=steps, keep_going=True)
    assert [s.status for s in result.steps] == [FAILED, SKIPPED] and not result.replaced


def test_files_the_build_does_not_make_are_carried_over(previous: Settings) -> None:
    (previous.output / "screenshots").mkdir()
    (previous.output / "screenshots" / "index.png").write_bytes(b"png")
    (previous.output / "NOTES.txt").write_text("mine")
    build_edition(previous, steps=[fake_step("encode", "tei/b.xml")])
    files = snapshot(previous.output)
    assert files["screenshots/index.png"] == b"png" and files["NOTES.txt"] == b"mine"
    assert "tei/a.xml" not in files and "export/c.xml" not in files  # products are replaced


def test_the_output_folder_may_not_hold_the_sources_or_the_cwd(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TeitoolError, match="current folder"):
        check_output_folder(Path("."), [Path("sources")])
    (tmp_path / "project" / "sources").mkdir(parents=True)
    with pytest.raises(TeitoolError, match="would contain the source"):
        check_output_folder(tmp_path / "project", [tmp_path / "project" / "sources"])
    check_output_folder(tmp_path / "build", [tmp_path / "project" / "sources"])


def test_summary_table_lists_steps_counts_and_outputs(tmp_path: Path) -> None:
    settings = Settings(sources=(SAMPLE,), output=tmp_path / "build")
    result = build_edition(settings, steps=[fake_step("encode", "tei/a.xml")])
    text = result.summary()
    assert "step" in text and "seconds" in text and "outputs" in text
    assert "encode" in text and "tei/a.xml" in text
    assert "1 warnings" in text


# --- the real chain ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_build(tmp_path_factory: pytest.TempPathFactory):
    """The real steps on three letters of the correspondence (render print included)."""
    out = tmp_path_factory.mktemp("real") / "build"
    settings = Settings(sources=(SAMPLE,), output=out, register=REGISTER, jobs=1)
    return build_edition(settings, keep_going=True), out


def test_real_chain_runs_every_step(real_build) -> None:
    result, out = real_build
    by_name = {step.name: step for step in result.steps}
    assert list(by_name) == ["encode", "validate", "render web", "render print", "export"]
    assert all(step.status == DONE for step in result.steps), result.summary()
    assert result.documents == 4 and result.persons > 0 and result.notes == 2
    assert (out / "tei" / "persons.xml").is_file()


def test_real_chain_outputs_are_in_place(real_build) -> None:
    import bagit

    result, out = real_build
    assert result.replaced
    assert (out / "site" / "index.html").is_file()
    assert (out / "print" / "edition.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "export" / "cmif.xml").is_file()
    bag = bagit.Bag(str(out / "export" / "bag"))
    bag.validate()
    payload = set(bag.payload_files())
    assert {"data/cmif.xml", "data/tei/persons.xml", "data/schema/teitool.xsd"} <= payload
    assert {"data/reports/validation.txt", "data/reports/validation.json"} <= payload


def test_real_chain_reports_name_files_inside_the_build(real_build) -> None:
    """Checked in the staging folder, reported relative to the build: no machine's paths."""
    result, out = real_build
    report = (out / "reports" / "validation.txt").read_text()
    assert "checked" in report and " s)" not in report  # no timing in a kept report
    files = json.loads((out / "reports" / "validation.json").read_text())["files"]
    assert files and all(entry["path"].startswith("tei/") for entry in files)
    assert str(out) not in report and ".tmp" not in report


def test_each_step_reports_its_progress(tmp_path: Path) -> None:
    """What the CLI's progress bars show: every step's reports, in units the step knows."""
    heard: dict[str, list[tuple[int, int | None]]] = {}

    def runner(name, work):
        heard[name] = []
        return work(lambda done, total: heard[name].append((done, total)))

    settings = Settings(sources=(SAMPLE,), output=tmp_path / "build", register=REGISTER, jobs=1)
    build_edition(settings, keep_going=True, runner=runner)
    source_bytes = sum(p.stat().st_size for p in SAMPLE.glob("*.txt"))
    assert heard["encode"] == [(0, source_bytes)]  # one source: reported before its work
    pages = heard["render print"]
    assert pages[0][0] == 0 and pages[-1][0] == pages[-1][1] > 0
    assert all(a[0] <= b[0] for a, b in zip(pages, pages[1:], strict=False))
    assert heard["export"] == [(1, 2)]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_draws_a_bar_per_step_on_a_terminal_and_lines_elsewhere(monkeypatch) -> None:
    from tei.cli import _step_runner

    def work(progress):
        if progress is not None:
            progress(3, 10)
        return "step"

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert _step_runner(True)("render print", work) == "step"
    assert _step_runner(True)("render web", lambda progress: "quiet step") == "quiet step"
    drawn = terminal.getvalue()
    assert "render print" in drawn and " 30%" in drawn and "render web" in drawn
    assert drawn.count("100%") == 2  # each bar ends full, also for a step that said nothing

    log = io.StringIO()  # not a terminal: CI logs get a line per step
    monkeypatch.setattr(sys, "stderr", log)
    _step_runner(True)("render print", work)
    assert log.getvalue() == "render print …\n"


@pytest.mark.parametrize(
    ("chars", "paper", "pages"),
    [(266_800, "a4", 81), (266_800, "a5", 162), (10, "letter", 1), (0, "a4", 1)],
)
def test_print_progress_estimates_pages_from_text(chars: int, paper: str, pages: int) -> None:
    from tei.render.pdf import estimated_pages

    assert estimated_pages(chars, paper) == pages


def test_a_rebuild_of_unchanged_sources_is_byte_identical(real_build, tmp_path: Path) -> None:
    """Elsewhere too: the exports are dated by the sources, not the clock, and the reports
    name files relative to the build."""
    _, first = real_build
    settings = Settings(sources=(SAMPLE,), output=tmp_path / "again", register=REGISTER, jobs=1)
    build_edition(settings, keep_going=True)
    assert snapshot(tmp_path / "again") == snapshot(first)


def test_cli_build_prints_the_summary_and_uses_the_config(tmp_path: Path, monkeypatch) -> None:
    """Settings from teitool.toml, an option that wins over them; only cheap steps run."""
    monkeypatch.setattr(
        build_mod, "STEPS", (fake_step("encode", "tei/a.xml"), fake_step("export", "export/c.xml"))
    )
    (tmp_path / "teitool.toml").write_text(f'sources = ["{SAMPLE}"]\noutput = "from-config"\n')
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["build", "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-config" / "tei" / "a.xml").is_file()
    assert "encode" in result.stdout and "outputs in from-config/" in result.stdout
    assert "warning: encode noticed something" in result.stderr
    result = runner.invoke(main, ["build", "-o", "from-option"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-option" / "export" / "c.xml").is_file()


def test_cli_build_validation_failure_exits_1(tmp_path: Path, monkeypatch) -> None:
    def failing(ctx) -> StepResult:
        return StepResult("validate", FAILED, report="a.xml:1:1: error: bad [rule]")

    monkeypatch.setattr(
        build_mod, "STEPS",
        (fake_step("encode", "tei/a.xml"), ("validate", failing)),
    )
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "-o", str(tmp_path / "b"), "-q"])
    assert result.exit_code == 1
    assert "a.xml:1:1: error: bad [rule]" in result.stderr
    assert not (tmp_path / "b").exists()


def test_sigterm_to_a_running_build_process_leaves_the_previous_outputs(tmp_path: Path) -> None:
    """The real command on the real sources, stopped by SIGTERM in mid-build."""
    import subprocess
    import sys
    import time

    out = tmp_path / "build"
    (out / "tei").mkdir(parents=True)
    (out / "tei" / "old.xml").write_text("<old/>")
    command = [sys.executable, "-m", "tei", "build", str(SOURCES), "-o", str(out), "-q"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        # Wait until the build is under way: its staging folder exists beside the output.
        while not [p for p in tmp_path.iterdir() if p.name.startswith(".build.")]:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, stderr  # 128 + SIGTERM, as a shell reports it
    assert b"interrupted" in stderr and b"Traceback" not in stderr
    assert snapshot(out) == {"tei/old.xml": b"<old/>"}
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


@pytest.mark.parametrize("sources", ["missing", "empty"])
def test_missing_sources_are_named_first(tmp_path: Path, sources: str) -> None:
    (tmp_path / "empty").mkdir()
    settings = Settings(sources=(tmp_path / sources,), output=tmp_path / "build")
    with pytest.raises(TeitoolError, match=rf"{sources}: (no such file|the folder has no)"):
        build_edition(settings)


def test_a_wrong_edition_value_fails_before_any_work_naming_its_file(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    metadata = tmp_path / "src" / "metadata.toml"
    metadata.write_text('[edition]\ntitle = "A"\ncmif_url = "edition/cmif.xml"\n')
    (tmp_path / "src" / "a.txt").write_text("Stalin to Kaganovich June 4, 1932\n")
    settings = Settings(sources=(tmp_path / "src",), output=tmp_path / "build")
    ran = []
    steps = [
        ("encode", lambda ctx: ran.append(1) or StepResult("encode")),
        fake_step("export", "export/c.xml"),
    ]
    with pytest.raises(TeitoolError, match=rf"^{re.escape(str(metadata))}: \[edition\]: cmif_url"):
        build_edition(settings, steps=steps)
    assert ran == [] and not settings.output.exists()


def test_a_metadata_file_the_settings_name_must_be_there(tmp_path: Path) -> None:
    named = tmp_path / "elsewhere" / "metadata.toml"
    settings = Settings(sources=(SAMPLE,), output=tmp_path / "build", metadata=named)
    with pytest.raises(TeitoolError, match=rf"^{re.escape(str(named))}: no metadata file"):
        build_edition(settings, steps=[fake_step("encode", "tei/a.xml")])


def test_without_edition_metadata_the_build_runs_on_a_drafts_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No [edition] table beside the sources: the build runs, its exports get placeholders
    and one warning names the file looked for, never the sources/metadata.toml of whatever
    project the current folder is (this checkout's, with a full [edition] table)."""
    from tei.export import draft_warning

    monkeypatch.chdir(SOURCES.parent)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("Stalin to Kaganovich June 4, 1932\n")
    seen = []
    steps = [("encode", lambda ctx: seen.append(ctx.edition) or StepResult("encode", DONE))]
    settings = Settings(sources=(tmp_path / "src",), output=tmp_path / "build")
    result = build_edition(settings, steps=steps)
    assert result.exit_code == 0 and result.replaced
    (edition,) = seen
    assert edition.missing == ("title", "editor", "publisher", "cmif_url", "licence", "bibl")
    warning = draft_warning(edition)
    assert warning is not None
    assert warning.startswith(f"no metadata file {tmp_path / 'src' / 'metadata.toml'}, so the ")
    assert "placeholders" in warning and "bag-info.txt has no" in warning
