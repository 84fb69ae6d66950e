#!/usr/bin/env python3
"""Gas of the market-data layer, measured on a local anvil (Cancun): the figures in docs/feeds.md.

Reads (FeedHarness probes, one eth_call each so the first read is really cold):
  readSpot / readVol, first read in a transaction (cold) and a second read of the same feed (warm);
  the same external calls without FeedReader (raw), so the difference is FeedReader's own cost.
Writes (VolFeed receipts, including the 21,000 intrinsic gas):
  postVol for a new series and for an update; postVols per entry for 1, 10 and 50 expiries.

Each row is named by the figure it measures (readSpot_cold, postVols_10_new, ...); the raw calls'
figure of a read is its external_calls. Snapshot: docs/snapshots/feeds.json ("<name>": the gas
columns), written with --snapshot.
"""

from __future__ import annotations

import sys

from offchain.chain.node import deploy, start_anvil
from offchain.differential import bench

WAD = 10**18
ETH = b"ETH".ljust(32, b"\0")
HEARTBEAT = 3600
BATCHES = (1, 10, 50)
READS = bench.Table(
    "Feed reads (FeedHarness probes, anvil)",
    (
        bench.Column("name", "read"),
        bench.Column("gas", "total", ",", snapshot=True),
        bench.Column("external_calls", "external calls", ",", snapshot=True),
        bench.Column("feed_reader", "FeedReader", ",", snapshot=True, cell=lambda r: r["gas"] - r["external_calls"]),
    ),
    label="{name}",
)
WRITES = bench.Table(
    "VolFeed writes (receipts, anvil)",
    (
        bench.Column("name", "write"),
        bench.Column("entries"),
        bench.Column("gas", fmt=",", snapshot=True),
        bench.Column("per_entry", "per entry", ",", snapshot=True, cell=lambda r: r["gas"] // r["entries"]),
    ),
    label="{name}",
)
NOTES = (
    "reads: FeedReader = total - external calls (the same calls made without FeedReader), first read cold;",
    "writes: transaction receipts, 21,000 intrinsic included.",
)


def measure() -> list[bench.Section]:
    """The read rows and the write rows."""
    writes: list[dict] = []
    with start_anvil() as w3:
        bench.steady_clock(w3)
        aggregator = deploy(w3, "MockAggregator")
        vol_feed = deploy(w3, "VolFeed")
        harness = deploy(w3, "FeedHarness")

        def send(call) -> int:
            receipt = w3.eth.wait_for_transaction_receipt(call.transact())
            assert receipt["status"] == 1
            return receipt["gasUsed"]

        now = w3.eth.get_block("latest")["timestamp"]
        send(aggregator.functions.setRoundData(7, 2000 * 10**8, now, now, 7))
        send(vol_feed.functions.setUpdater(w3.eth.default_account, True))
        expiry = now + 30 * 86400
        for kind, vol in (("new", 65 * WAD // 100), ("update", 66 * WAD // 100)):
            gas = send(vol_feed.functions.postVol(ETH, expiry, vol))
            writes.append({"name": f"postVol_{kind}", "entries": 1, "gas": gas})
        for n in BATCHES:
            expiries = [now + 86400 * (100 + i) for i in range(n)]
            for kind, vol in (("new", WAD // 2), ("update", WAD // 3)):
                writes.append(
                    {
                        "name": f"postVols_{n}_{kind}",
                        "entries": n,
                        "gas": send(vol_feed.functions.postVols(ETH, expiries, [vol] * n)),
                    }
                )

        now = w3.eth.get_block("latest")["timestamp"]
        cold, warm, spot = harness.functions.gasReadSpot(aggregator.address, HEARTBEAT, now).call()
        assert spot == 2000 * WAD
        raw_spot = harness.functions.gasRawSpot(aggregator.address).call()
        spot_reads = _reads("readSpot", (cold, warm), raw_spot)
        cold, warm, vol = harness.functions.gasReadVol(vol_feed.address, ETH, expiry, HEARTBEAT, now).call()
        assert vol == 66 * WAD // 100
        raw_vol = harness.functions.gasRawVol(vol_feed.address, ETH, expiry).call()
    return [(READS, spot_reads + _reads("readVol", (cold, warm), raw_vol)), (WRITES, writes)]


def _reads(name: str, gas: tuple[int, int], raw: tuple[int, int]) -> list[dict]:
    """A read's cold and warm rows: its gas and the same external calls' gas without FeedReader."""
    return [{"name": f"{name}_{temp}", "gas": g, "external_calls": r} for temp, g, r in zip(("cold", "warm"), gas, raw)]


def main() -> int:
    args = bench.parser(__doc__, snapshot="feeds").parse_args()
    bench.report(args, measure(), NOTES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
