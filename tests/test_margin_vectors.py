"""Golden vectors (tests/vectors/portfolios.json, written by scripts/gen_margin_vectors.py) hold on
both sides: every input document is parsed by the public-format parser, then evaluated by the
Python engine and by MarginEvaluator on the EVM; both must give the recorded outcome exactly."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from offchain.chain.abi import result_from_abi
from offchain.chain.evm import LocalEVM
from offchain.formats.portfolio import PortfolioFormatError, loads
from offchain.formats.report import error_json, result_from_json
from offchain.twins.exceptions import ContractError, UnknownRevert
from offchain.twins.margin import margin_of

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests/vectors/portfolios.json").read_text())["cases"]
ENGINE_CASES = [c for c in VECTORS if "format_error" not in c["expect"]]
FORMAT_CASES = [c for c in VECTORS if "format_error" in c["expect"]]


@pytest.fixture(scope="module")
def harness() -> tuple[LocalEVM, str]:
    evm = LocalEVM()
    return evm, evm.deploy("MarginEvaluator")


def _parse(case: dict):
    return loads(json.dumps(case["input"]))


def _matches(case: dict, outcome: object) -> bool:
    expect = case["expect"]
    if "result" in expect:
        return (
            not isinstance(outcome, Exception)
            and outcome == result_from_json(expect["result"])
            and outcome.liquidatable == expect["result"]["liquidatable"]
        )
    return isinstance(outcome, Exception) and error_json(outcome) == expect


def test_vectors_cover_the_brief() -> None:
    assert len(VECTORS) >= 100
    tags = {t for c in VECTORS for t in c["tags"]}
    assert tags >= {
        "hedged",
        "naked",
        "multi",
        "correlation",
        "near-expiry",
        "moneyness",
        "custom-grid",
        "canonicalise",
        "example",
        "random",
        "error",
        "format-error",
    }
    errors = {c["expect"]["error"] for c in ENGINE_CASES if "error" in c["expect"]}
    assert errors >= {
        "GM_OptionExpired",
        "GM_StrikeOutOfRange",
        "GM_TooManyPositions",
        "GM_UnknownUnderlying",
        "GM_OptionsNotCanonical",
        "GM_PositionsNotSorted",
        "GM_ParamOutOfRange",
        "GM_MissingVol",
        "GM_AmountOutOfRange",
        "GM_SpotNonPositive",
        "GM_RateOutOfRange",
    }
    assert {c["expect"]["format_error"] for c in FORMAT_CASES} >= {
        "UnknownSymbolError",
        "BadAmountError",
        "MissingFieldError",
        "WrongTypeError",
        "UnknownOptionTypeError",
        "UnknownFieldError",
    }
    assert sum("result" in c["expect"] for c in VECTORS) >= 100
    assert any(c["expect"].get("result", {}).get("liquidatable") for c in VECTORS)
    assert any("result" in c["expect"] and not c["expect"]["result"]["liquidatable"] for c in VECTORS)
    assert len({c["name"] for c in VECTORS}) == len(VECTORS)


def test_format_errors_are_refused_with_their_path() -> None:
    wrong = []
    for case in FORMAT_CASES:
        try:
            _parse(case)
            wrong.append(f"{case['name']}: accepted")
        except PortfolioFormatError as exc:
            if (type(exc).__name__, exc.path) != (case["expect"]["format_error"], case["expect"]["path"]):
                wrong.append(f"{case['name']}: {type(exc).__name__} at {exc.path}")
    assert not wrong, "\n".join(wrong)


def test_vectors_offchain() -> None:
    wrong = []
    for case in ENGINE_CASES:
        try:
            outcome: object = margin_of(*_parse(case).engine_inputs())
        except ContractError as exc:
            outcome = exc
        if not _matches(case, outcome):
            wrong.append(f"{case['name']}: {outcome}")
    assert not wrong, "\n".join(wrong[:5])


def test_vectors_onchain(harness: tuple[LocalEVM, str]) -> None:
    evm, address = harness
    wrong = []
    for case in ENGINE_CASES:
        portfolio, market, params = _parse(case).engine_inputs()
        try:
            outcome: object = result_from_abi(
                evm.call(address, "marginOf", portfolio.as_abi(), market.as_abi(), params.as_abi())
            )
        except (ContractError, UnknownRevert) as exc:
            outcome = exc
        if not _matches(case, outcome):
            wrong.append(f"{case['name']}: {outcome}")
    assert not wrong, "\n".join(wrong[:5])


def test_generator_refuses_when_the_twins_disagree(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("gen_margin_vectors", ROOT / "scripts/gen_margin_vectors.py")
    gen = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(gen)  # type: ignore[union-attr]
    evm = LocalEVM()
    address = evm.deploy("MarginEvaluator")
    case = next(c for c in ENGINE_CASES if "result" in c["expect"])
    assert gen.evaluate(evm, address, case["name"], case["tags"], case["input"])["expect"] == case["expect"]

    def off_by_one(*args):
        result = margin_of(*args)
        return type(result)(result.equity + 1, result.initial_margin, result.maintenance_margin, result.underlyings)

    monkeypatch.setattr(gen, "margin_of", off_by_one)
    assert gen.evaluate(evm, address, case["name"], case["tags"], case["input"]) is None
    assert "twins disagree" in capsys.readouterr().err
