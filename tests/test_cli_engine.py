"""``gridmargin margin --engine ADDRESS``: a portfolio file valued at a deployed MarginEngine's
parameters and feeds, off-chain (offchain.chain.engine) and on-chain (marginOfFromFeeds) at one block,
equal to the wei; stale or negative feeds and bad arguments as one readable line, exit != 0."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from offchain.chain import engine as engine_rpc
from offchain.chain.feeds import underlying_id
from offchain.formats.portfolio import load
from offchain.formats.report import result_from_json
from offchain.twins.types import GridParams, RiskParams
from tests.cli_support import one_line_failure, run

W = 10**18
DAY = 86_400
HEARTBEAT = 3_600


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _send(w3, call) -> None:
    assert w3.eth.wait_for_transaction_receipt(call.transact())["status"] == 1


@pytest.fixture(scope="module")
def chain() -> Iterator[tuple]:
    """anvil with a MarginEngine (default grid) whose ETH feeds are fresh: (w3, url, engine, feed, now, expiries)."""
    from offchain.chain.node import deploy, start_anvil

    with start_anvil() as w3:
        engine, feed, vols = deploy(w3, "MarginEngine"), deploy(w3, "MockAggregator"), deploy(w3, "VolFeed")
        now = w3.eth.get_block("latest")["timestamp"]
        expiries = [now + 7 * DAY, now + 30 * DAY]
        _send(w3, feed.functions.setRoundData(1, 3_012_34567890, now, now, 1))
        _send(w3, vols.functions.setUpdater(w3.eth.default_account, True))
        _send(w3, vols.functions.postVols(underlying_id("ETH"), expiries, [70 * 10**16, 60 * 10**16]))
        _send(w3, engine.functions.setRiskParams(RiskParams((GridParams(),)).as_abi()))
        config = (feed.address, HEARTBEAT, vols.address, underlying_id("ETH"), HEARTBEAT, 4 * 10**16)
        _send(w3, engine.functions.setFeedConfig(0, config))
        yield w3, w3.provider.endpoint_uri, engine.address, feed, now, expiries


@pytest.fixture()
def book(tmp_path: Path, chain: tuple) -> Path:
    """A collar on ETH expiring with the engine's vols (the file's own market is not used)."""
    _w3, _url, _engine, _feed, now, expiries = chain
    document = {
        "description": "collar valued at the engine's feeds",
        "portfolio": {
            "cash": "5000",
            "positions": [
                {
                    "underlying": "ETH",
                    "perp": {"size": "10", "entry": "2950"},
                    "options": [
                        {"type": "put", "strike": "2700", "expiry": _iso(expiries[0]), "size": "10"},
                        {"type": "call", "strike": "3300", "expiry": _iso(expiries[1]), "size": "-10"},
                    ],
                }
            ],
        },
        "market": {
            "timestamp": _iso(now),
            "underlyings": [{"symbol": "ETH", "spot": "1", "rate": "0", "vols": {_iso(e): "0.1" for e in expiries}}],
        },
    }
    path = tmp_path / "collar.json"
    path.write_text(json.dumps(document))
    return path


def test_engine_values_equal_to_the_wei(capsys: pytest.CaptureFixture[str], chain: tuple, book: Path) -> None:
    w3, url, engine, _feed, _now, _expiries = chain
    status, out, err = run(capsys, "margin", book, "--engine", engine, "--rpc-url", url, "--json")
    assert status == 0, err
    report = json.loads(out)
    expected = engine_rpc.margin_of_from_feeds(w3, engine, load(book).portfolio)
    assert report["equal"] is True
    assert result_from_json(report) == expected == result_from_json(report["onchain"])
    assert expected.equity != load(book).portfolio.cash  # the feeds' spot, not the file's, valued it

    status, out, err = run(capsys, "margin", book, "--engine", engine, "--rpc-url", url)
    assert status == 0, err
    assert "MarginEngine.marginOfFromFeeds" in out and "equal to the wei" in out


@pytest.mark.parametrize(
    ("answer", "age", "error"),
    [(3_000 * 10**8, 2 * HEARTBEAT, "GM_FeedStale"), (-1, 0, "GM_FeedNonPositive")],
    ids=["stale", "negative"],
)
def test_bad_feeds_are_one_line(
    capsys: pytest.CaptureFixture[str], chain: tuple, book: Path, answer: int, age: int, error: str
) -> None:
    w3, url, engine, feed, _now, _expiries = chain
    latest = w3.eth.get_block("latest")["timestamp"]
    _send(w3, feed.functions.setRoundData(2, answer, latest - age, latest - age, 2))
    try:
        line = one_line_failure(*run(capsys, "margin", book, "--engine", engine, "--rpc-url", url)[::2])
        assert error in line and "(off-chain and on-chain agree)" in line
    finally:
        _send(w3, feed.functions.setRoundData(3, 3_012_34567890, latest, latest, 3))


def test_engine_argument_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], chain: tuple, book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _w3, url, engine, _feed, _now, _expiries = chain
    monkeypatch.delenv("ETH_RPC_URL", raising=False)
    assert "--rpc-url" in one_line_failure(*run(capsys, "margin", book, "--engine", engine)[::2])
    assert "not an address" in one_line_failure(*run(capsys, "margin", book, "--engine", "0x12", "--rpc-url", url)[::2])
    no_engine = "0x" + "11" * 20
    assert "no contract" in one_line_failure(*run(capsys, "margin", book, "--engine", no_engine, "--rpc-url", url)[::2])
    assert "--onchain" in one_line_failure(
        *run(capsys, "margin", book, "--engine", engine, "--rpc-url", url, "--onchain")[::2]
    )
