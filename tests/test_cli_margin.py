"""``gridmargin margin`` and ``gridmargin scenarios``: exact JSON equal to margin_of, on-chain
equality on anvil, the heatmap, and one readable line with a non-zero status for every failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from offchain.cli.commands import margin as margin_command
from offchain.formats.portfolio import load
from offchain.formats.report import result_from_json, scenarios
from offchain.twins.margin import margin_of
from tests.cli_support import one_line_failure, run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "offchain/examples").glob("*.json"))
COLLAR = ROOT / "offchain/examples/hedged-collar.json"
LIQUIDATABLE = ROOT / "offchain/examples/liquidatable.json"
MULTI = ROOT / "offchain/examples/multi-underlying.json"


@pytest.fixture(scope="module")
def rpc_url() -> Iterator[str]:
    from offchain.chain.node import start_anvil

    with start_anvil() as w3:
        yield w3.provider.endpoint_uri  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------ margin


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_margin_json_equals_margin_of(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    status, out, err = run(capsys, "margin", path, "--json")
    assert status == 0, err
    report = json.loads(out)
    doc = load(path)
    expected = margin_of(*doc.engine_inputs())
    assert result_from_json(report) == expected
    assert report["liquidatable"] == expected.liquidatable
    for entry, detail in zip(report["underlyings"], expected.underlyings):
        assert entry["symbol"] == doc.symbol(detail.underlying)
        worst = scenarios(doc.params.grids[detail.underlying])[detail.worst_scenario]
        assert entry["worst"] == worst.as_json()


def test_margin_table_shows_the_verdict_and_worst_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "margin", LIQUIDATABLE)
    assert status == 0
    assert "liquidatable (equity < MM)" in out and "YES" in out
    result = margin_of(*load(LIQUIDATABLE).engine_inputs())
    worst = scenarios(load(LIQUIDATABLE).params.grids[0])[result.underlyings[0].worst_scenario]
    assert f"#{worst.index}: spot {worst.label.split('spot ')[1][:4]}" in out
    status, out, _ = run(capsys, "margin", MULTI)
    assert status == 0 and all(s in out for s in ("ETH (0)", "BTC (1)", "SOL (2)")) and "YES" not in out


def test_margin_onchain_is_equal_on_anvil(capsys: pytest.CaptureFixture[str], rpc_url: str) -> None:
    status, out, err = run(capsys, "margin", MULTI, "--onchain", "--rpc-url", rpc_url, "--json")
    assert status == 0, err
    report = json.loads(out)
    assert report["equal"] is True
    assert result_from_json(report["onchain"]) == result_from_json(report) == margin_of(*load(MULTI).engine_inputs())
    status, out, err = run(capsys, "margin", COLLAR, "--onchain", "--rpc-url", rpc_url)
    assert status == 0, err
    assert "equal to the wei" in out and "NO" not in out


def test_margin_onchain_starts_its_own_anvil() -> None:
    """Through the console entry point, without --rpc-url or $ETH_RPC_URL: a local anvil is started."""
    env = {k: v for k, v in os.environ.items() if k != "ETH_RPC_URL"}
    env["PATH"] = f"{ROOT / 'node_modules/.bin'}{os.pathsep}{env.get('PATH', '')}"
    run = subprocess.run(
        [sys.executable, "-m", "offchain.cli", "margin", str(LIQUIDATABLE), "--onchain", "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["equal"] and report["liquidatable"] and report["onchain"]["equity"] == report["equity"]


def test_engine_error_on_both_sides_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rpc_url: str
) -> None:
    data = json.loads(COLLAR.read_text())
    data["market"]["timestamp"] = "2026-06-26T08:00:00Z"  # the options expire now
    path = tmp_path / "expired.json"
    path.write_text(json.dumps(data))
    line = one_line_failure(*run(capsys, "margin", path)[::2])
    expected = (
        "GM_OptionExpired(0, 1782460800, 1782460800) [underlying 0 = ETH]:"
        " An option's expiry is not after the market timestamp."
    )
    assert line == f"gridmargin: {path}: {expected}"
    status, out, err = run(capsys, "margin", path, "--onchain", "--rpc-url", rpc_url, "--json")
    assert one_line_failure(status, err).endswith("(off-chain and on-chain agree)")
    report = json.loads(out)
    assert report == {
        "error": "GM_OptionExpired",
        "args": ["0", "1782460800", "1782460800"],
        "equal": True,
        "onchain": {"error": "GM_OptionExpired", "args": ["0", "1782460800", "1782460800"]},
    }


def test_disagreement_exits_1(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong_chain(doc, rpc_url):
        result = margin_of(*doc.engine_inputs())
        return ("value", replace(result, equity=result.equity + 1))

    monkeypatch.setattr(margin_command, "_onchain_outcome", wrong_chain)
    status, out, err = run(capsys, "margin", COLLAR, "--onchain")
    assert "off-chain and on-chain disagree: the results differ" in one_line_failure(status, err)
    assert "NO" in out and "DIFFERENT" in out
    status, out, err = run(capsys, "margin", COLLAR, "--onchain", "--json")
    assert status == 1 and json.loads(out)["equal"] is False


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "does not exist"),
        ("{", "InvalidJSONError: $: not JSON: Expecting property name"),
        (
            '{"portfolio": {}, "market": {"timestamp": 0, "underlyings": []}, "extra": 1}',
            "UnknownFieldError: $.extra: unknown field 'extra'",
        ),
        (
            '{"portfolio": {"positions": [{"underlying": "DOGE"}]},'
            ' "market": {"timestamp": 0, "underlyings": [{"symbol": "ETH", "spot": "1"}]}}',
            "UnknownSymbolError: $.portfolio.positions[0].underlying:"
            " unknown underlying 'DOGE' (the market lists: ETH)",
        ),
        (
            '{"portfolio": {"cash": "1.0000000000000000001"}, "market": {"timestamp": 0, "underlyings": []}}',
            "BadAmountError: $.portfolio.cash",
        ),
        (b"\xff\xfe{", "not UTF-8 text"),
    ],
)
def test_bad_files_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | bytes | None, fragment: str
) -> None:
    path = tmp_path / "book.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    for command in ("margin", "scenarios"):
        line = one_line_failure(*run(capsys, command, path)[::2])
        assert line.startswith("gridmargin: ") and fragment in line, line


def test_directory_and_missing_argument_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "is a directory" in one_line_failure(*run(capsys, "margin", tmp_path)[::2])
    assert "Missing argument" in one_line_failure(*run(capsys, "scenarios")[::2])


def test_unreachable_chain_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_failure(*run(capsys, "margin", COLLAR, "--onchain", "--rpc-url", "http://127.0.0.1:9")[::2])
    assert "no JSON-RPC node answers at http://127.0.0.1:9" in line


# --------------------------------------------------------------------------------------- scenarios


def test_scenarios_json_is_the_risk_vector(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "scenarios", MULTI, "--json")
    assert status == 0, err
    doc = load(MULTI)
    result = margin_of(*doc.engine_inputs())
    report = json.loads(out)
    assert [u["symbol"] for u in report["underlyings"]] == ["ETH", "BTC", "SOL"]
    for entry, detail in zip(report["underlyings"], result.underlyings):
        grid = doc.params.grids[detail.underlying]
        assert [int(s["pnl"]) for s in entry["scenarios"]] == list(detail.pnl)
        assert [s["index"] for s in entry["scenarios"]] == list(range(len(detail.pnl)))
        assert int(entry["worst_scenario"]) == detail.worst_scenario and int(entry["loss"]) == detail.loss
        assert [int(s["spot_shock"]) for s in entry["scenarios"] if not s["extended"]] == [
            s for s in grid.spot_shocks for _ in range(3)
        ]
        assert [int(s["spot_shock"]) for s in entry["scenarios"] if s["extended"]] == list(grid.extended_shocks)


def test_scenarios_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "scenarios", COLLAR)
    assert status == 0
    assert "spot shock" in out and "vol down" in out and "vol up" in out and "extended scenarios" in out
    for shock in ("-16%", "+16%", "-66%", "+500%"):  # the default grid and extended set (docs/model.md §5)
        assert shock in out
    assert "worst: #" in out


def test_scenarios_plot_writes_a_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    for example in (COLLAR, MULTI):
        png = tmp_path / f"{example.stem}.png"
        status, out, err = run(capsys, "scenarios", example, "--plot", png)
        assert status == 0, err
        assert f"heatmap written to {png}" in out
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_scenarios_plot_into_a_missing_directory_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    line = one_line_failure(*run(capsys, "scenarios", COLLAR, "--plot", tmp_path / "no" / "grid.png")[::2])
    assert line.startswith("gridmargin: ")


def test_scenarios_plot_in_an_unknown_format_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    line = one_line_failure(*run(capsys, "scenarios", COLLAR, "--plot", tmp_path / "x.txt")[::2])
    assert line.startswith(f"gridmargin: --plot {tmp_path / 'x.txt'}: cannot write a '.txt' file; supported formats: ")
    assert all(f in line.split("supported formats: ")[1].split(", ") for f in ("png", "pdf", "svg"))
    assert not (tmp_path / "x.txt").exists()


def test_scenarios_plot_reports_the_file_it_writes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """No extension: PNG to the name plus .png, and that name is reported; an extension names the format."""
    pytest.importorskip("matplotlib")
    status, out, err = run(capsys, "scenarios", COLLAR, "--plot", tmp_path / "noext")
    assert status == 0, err
    assert f"heatmap written to {tmp_path / 'noext.png'}" in out and not (tmp_path / "noext").exists()
    assert (tmp_path / "noext.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    status, out, err = run(capsys, "scenarios", COLLAR, "--plot", tmp_path / "grid", "--json")
    assert status == 0, err
    assert json.loads(out)["plot"] == str(tmp_path / "grid.png") and (tmp_path / "grid.png").is_file()
    status, out, err = run(capsys, "scenarios", COLLAR, "--plot", tmp_path / "grid.SVG")
    assert status == 0, err
    assert b"<svg" in (tmp_path / "grid.SVG").read_bytes()[:1000]


def test_scenarios_engine_error_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = json.loads(COLLAR.read_text())
    data["market"]["underlyings"][0]["vols"] = {}
    path = tmp_path / "novol.json"
    path.write_text(json.dumps(data))
    line = one_line_failure(*run(capsys, "scenarios", path, "--plot", tmp_path / "x.png")[::2])
    assert "GM_MissingVol(0, 1782460800) [underlying 0 = ETH]: The market has no implied volatility" in line
    assert not (tmp_path / "x.png").exists()


def test_scenario_labels_follow_the_engine_order() -> None:
    """margin_report.scenarios describes scenario j exactly as the engine builds it."""
    from offchain.twins.margin import (
        _scenario,  # private on purpose: the labels must match the engine
    )
    from offchain.twins.types import GridParams

    grids = [
        GridParams(),
        GridParams(spot_shocks=(0,), extended_shocks=()),
        GridParams(extended_shocks=(-90 * 10**16, 10**16), dampener=5 * 10**16),
    ]
    grids += [load(p).params.grids[i] for p in EXAMPLES for i in range(len(load(p).symbols))]
    for grid in grids:
        for s in scenarios(grid):
            shock, vol, weight = _scenario(grid, s.index)
            assert (s.spot_shock, ("down", "none", "up")[vol], s.weight) == (shock, s.vol_shock, weight)


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"mm_factor": "0"}, "GM_ParamOutOfRange(0, 0, 0) [params mm_factor]: "),
        (
            {"grids": {"SOL": {"haircut": "1"}}},
            "GM_ParamOutOfRange(2, 9, 1000000000000000000) [grid of SOL: haircut]: ",
        ),
    ],
)
def test_param_errors_name_the_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, params: dict, fragment: str
) -> None:
    from offchain.twins import margin

    assert (margin.PARAM_MM_FACTOR, margin.PARAM_HAIRCUT, margin.PARAM_ADD_ON) == (0, 9, 10)  # the ids the CLI names
    data = json.loads(MULTI.read_text())
    data["params"] = params
    path = tmp_path / "params.json"
    path.write_text(json.dumps(data))
    assert fragment in one_line_failure(*run(capsys, "margin", path)[::2])


def test_margin_shows_the_balance_share_of_the_worst_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    """The basis trade: no loss, yet its 10 ETH lose 4,800 in the worst scenario (spot -16%): the perp's gain."""
    basis = ROOT / "offchain/examples/basis-trade.json"
    status, out, err = run(capsys, "margin", basis, "--json")
    assert status == 0, err
    entry = json.loads(out)["underlyings"][0]
    assert (entry["loss"], entry["balance_pnl"], entry["initial_margin"]) == (
        "0",
        str(-4800 * 10**18),
        str(3150 * 10**18),
    )
    status, out, _ = run(capsys, "margin", basis)
    assert status == 0 and "balance P&L" in out and "-4800" in out
