#!/usr/bin/env python3
"""Gas of the market-data layer, measured on a local anvil (Cancun): the figures in docs/feeds.md.

Reads (FeedHarness probes, one eth_call each so the first read is really cold):
  readSpot / readVol, first read in a transaction (cold) and a second read of the same feed (warm);
  the same external calls without FeedReader (raw), so the difference is FeedReader's own cost.
Writes (VolFeed receipts, including the 21,000 intrinsic gas):
  postVol for a new series and for an update; postVols per entry for 1, 10 and 50 expiries.

Usage: python scripts/bench_feeds.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


from offchain.chain.node import deploy, start_anvil

WAD = 10**18
ETH = b"ETH".ljust(32, b"\0")
HEARTBEAT = 3600


def measure() -> dict[str, int]:
    out: dict[str, int] = {}
    with start_anvil() as w3:
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
        out["postVol_new"] = send(vol_feed.functions.postVol(ETH, expiry, 65 * WAD // 100))
        out["postVol_update"] = send(vol_feed.functions.postVol(ETH, expiry, 66 * WAD // 100))
        for n in (1, 10, 50):
            expiries = [now + 86400 * (100 + i) for i in range(n)]
            out[f"postVols_{n}_new"] = send(vol_feed.functions.postVols(ETH, expiries, [WAD // 2] * n))
            out[f"postVols_{n}_update"] = send(vol_feed.functions.postVols(ETH, expiries, [WAD // 3] * n))

        now = w3.eth.get_block("latest")["timestamp"]
        cold, warm, spot = harness.functions.gasReadSpot(aggregator.address, HEARTBEAT, now).call()
        assert spot == 2000 * WAD
        raw_cold, raw_warm = harness.functions.gasRawSpot(aggregator.address).call()
        out |= {"readSpot_cold": cold, "readSpot_warm": warm, "rawSpot_cold": raw_cold, "rawSpot_warm": raw_warm}
        cold, warm, vol = harness.functions.gasReadVol(vol_feed.address, ETH, expiry, HEARTBEAT, now).call()
        assert vol == 66 * WAD // 100
        raw_cold, raw_warm = harness.functions.gasRawVol(vol_feed.address, ETH, expiry).call()
        out |= {"readVol_cold": cold, "readVol_warm": warm, "rawVol_cold": raw_cold, "rawVol_warm": raw_warm}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = parser.parse_args(argv)
    gas = measure()
    if args.json:
        print(json.dumps(gas, indent=1, sort_keys=True))
        return 0
    for kind in ("Spot", "Vol"):
        for temp in ("cold", "warm"):
            total, raw = gas[f"read{kind}_{temp}"], gas[f"raw{kind}_{temp}"]
            print(f"read{kind:<4} {temp}: {total:>6} gas  (external calls {raw:>6}, FeedReader {total - raw:>4})")
    print(f"postVol new series: {gas['postVol_new']:>7}   update: {gas['postVol_update']:>7}")
    for n in (1, 10, 50):
        new, upd = gas[f"postVols_{n}_new"], gas[f"postVols_{n}_update"]
        print(f"postVols x{n:<3} new: {new:>8} ({new // n:>6}/entry)   update: {upd:>8} ({upd // n:>6}/entry)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
