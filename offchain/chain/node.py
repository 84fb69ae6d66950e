"""Talk to a real chain through web3: an existing node, or a throwaway local anvil.

    with chain_from_env() as w3:          # $ETH_RPC_URL if set, else a fresh anvil (stopped after)
        harness = deploy(w3, "MathHarness")
        harness.functions.mulWadDown(3 * 10**18, 2 * 10**18).call()

anvil is looked up on PATH, then in this repository's ``node_modules/.bin`` (``npm ci``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from web3 import Web3
from web3.contract import Contract

from offchain.chain.artifacts import load_artifact
from offchain.twins.exceptions import GridMarginError

HARDFORK = "cancun"
STARTUP_TIMEOUT = 30.0
_REPO_ROOT = Path(__file__).resolve().parents[2]


class ChainError(GridMarginError, RuntimeError):
    """A node could not be found, started, reached or used."""


def find_anvil() -> Path:
    """The anvil executable: on PATH, else ``node_modules/.bin/anvil`` of this repository."""
    on_path = shutil.which("anvil")
    if on_path:
        return Path(on_path)
    local = _REPO_ROOT / "node_modules" / ".bin" / "anvil"
    if local.is_file() and os.access(local, os.X_OK):
        return local
    raise ChainError(
        "anvil not found on PATH nor in node_modules/.bin: install Foundry (https://getfoundry.sh; in a clone of "
        "this repository `make setup` does it), or pass --rpc-url (or set ETH_RPC_URL) to use a running node"
    )


def connect(rpc_url: str) -> Web3:
    """A Web3 connected to the node at ``rpc_url`` (HTTP), its first unlocked account as default, if any."""
    w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": 60}))
    if not w3.is_connected():
        raise ChainError(f"no JSON-RPC node answers at {rpc_url}")
    accounts = w3.eth.accounts
    if accounts:
        w3.eth.default_account = accounts[0]
    return w3


@contextmanager
def start_anvil(timeout: float = STARTUP_TIMEOUT) -> Iterator[Web3]:
    """Run a quiet anvil (Cancun) on a free loopback port for the ``with`` block; yields its Web3.

    The default account is anvil's first dev account (funded, unlocked). The process is stopped
    when the block exits, also on exceptions.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(find_anvil()), "--host", "127.0.0.1", "--port", str(port), "--hardfork", HARDFORK, "--quiet"]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            _wait_until_answering(url, process, timeout, stderr)
            yield connect(url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def chain_from_env(rpc_url: str | None = None) -> Iterator[Web3]:
    """``rpc_url``, else ``$ETH_RPC_URL``, else a local anvil started (and stopped) for the block."""
    url = rpc_url or os.environ.get("ETH_RPC_URL")
    if url:
        yield connect(url)
    else:
        with start_anvil() as w3:
            yield w3


def deploy(w3: Web3, name: str) -> Contract:
    """Deploy the shipped artifact of contract ``name`` from the default account; the bound contract."""
    if not w3.eth.default_account:
        raise ChainError("deploying needs w3.eth.default_account (the node has no unlocked account)")
    artifact = load_artifact(name)
    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor().transact())
    if receipt["status"] != 1 or receipt["contractAddress"] is None:
        raise ChainError(f"deploying {name} failed (transaction {receipt['transactionHash'].hex()})")
    return w3.eth.contract(address=receipt["contractAddress"], abi=artifact["abi"])


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    """True when a JSON-RPC node at ``url`` answers eth_chainId."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=1) as response:
            return "result" in json.load(response)
    except (OSError, ValueError):
        return False


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], timeout: float, stderr: IO[bytes]) -> None:
    """Poll ``url`` until the node answers; ChainError with anvil's stderr if it exits or times out."""
    deadline = time.monotonic() + timeout
    while not _answers(url):
        if process.poll() is not None:
            problem = f"exited with status {process.returncode}"
        elif time.monotonic() > deadline:
            problem = f"did not answer eth_chainId at {url} within {timeout:g} s"
        else:
            time.sleep(0.05)
            continue
        stderr.seek(0)
        output = stderr.read().decode(errors="replace").strip()
        raise ChainError(f"anvil {problem}" + (f":\n{output}" if output else ""))
