"""The margin engine's data types: twin of ``contracts/libraries/MarginTypes.sol``.

Same structs, same fields, same order; every amount a signed wad int, timestamps unix seconds.
``as_abi()`` gives the tuple the contract's ABI expects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from offchain.twins.constants import WAD
from offchain.twins.fixedpoint import div_wad_up


@dataclass(frozen=True)
class OptionPosition:
    """One option series, net of longs and shorts (canonical: sorted by (expiry, strike, is_call), size != 0)."""

    expiry: int
    is_call: bool
    strike: int
    size: int

    @property
    def series(self) -> tuple[int, int, bool]:
        return (self.expiry, self.strike, self.is_call)

    def as_abi(self) -> tuple:
        return (self.expiry, self.is_call, self.strike, self.size)


@dataclass(frozen=True)
class UnderlyingPositions:
    """Everything an account holds in one underlying (``underlying`` indexes the market and grids)."""

    underlying: int
    balance: int = 0
    perp_size: int = 0
    perp_entry: int = 0
    options: tuple[OptionPosition, ...] = ()

    def as_abi(self) -> tuple:
        return (self.underlying, self.balance, self.perp_size, self.perp_entry, [o.as_abi() for o in self.options])


@dataclass(frozen=True)
class Portfolio:
    """Cash (negative = loan) and positions per underlying, in strictly increasing underlying order."""

    cash: int = 0
    positions: tuple[UnderlyingPositions, ...] = ()

    def as_abi(self) -> tuple:
        return (self.cash, [p.as_abi() for p in self.positions])


@dataclass(frozen=True)
class VolPoint:
    """Implied volatility (annualised wad) of one expiry."""

    expiry: int
    vol: int

    def as_abi(self) -> tuple:
        return (self.expiry, self.vol)


@dataclass(frozen=True)
class UnderlyingMarket:
    """Spot (cash per token), continuously compounded rate, vols by strictly increasing expiry."""

    spot: int
    rate: int = 0
    vols: tuple[VolPoint, ...] = field(default_factory=tuple)

    def as_abi(self) -> tuple:
        return (self.spot, self.rate, [v.as_abi() for v in self.vols])


@dataclass(frozen=True)
class Market:
    """Market state for every underlying the engine knows, at ``timestamp``."""

    timestamp: int
    underlyings: tuple[UnderlyingMarket, ...] = ()

    def as_abi(self) -> tuple:
        return (self.timestamp, [u.as_abi() for u in self.underlyings])


@dataclass(frozen=True)
class GridParams:
    """Scenario grid and charges of one underlying (docs/model.md section 5 cites each default: Deribit's
    portfolio-margin grid and extended table, Derive's 1-day floor of the vol-shock term scaling)."""

    spot_shocks: tuple[int, ...] = tuple(s * 4 * 10**16 for s in range(-4, 5))
    vol_down: int = 25 * 10**16
    vol_up: int = 50 * 10**16
    term_power_short: int = 30 * 10**16
    term_power_long: int = 13 * 10**16
    extended_shocks: tuple[int, ...] = tuple(s * 10**16 for s in (-66, -33, 50, 100, 200, 300, 400, 500))
    dampener: int = 33 * 10**16
    haircut: int = 10 * 10**16
    linear_add_on: int = 5 * 10**15
    short_option_add_on: int = 10**16
    dte_floor: int = 86_400  # seconds

    def extended_weight(self, shock: int) -> int:
        """P&L weight of the extended scenario ``shock`` (non-zero): min(1, dampener / |shock|), the
        ratio rounded up (wad; PortfolioMargin._scenario)."""
        return min(WAD, div_wad_up(self.dampener, abs(shock)))

    def as_abi(self) -> tuple:
        return (
            list(self.spot_shocks),
            self.vol_down,
            self.vol_up,
            self.term_power_short,
            self.term_power_long,
            list(self.extended_shocks),
            self.dampener,
            self.haircut,
            self.linear_add_on,
            self.short_option_add_on,
            self.dte_floor,
        )


@dataclass(frozen=True)
class RiskParams:
    """Grids per underlying, the MM factor, and an optional correlation matrix (row-major, wad)."""

    grids: tuple[GridParams, ...]
    mm_factor: int = 80 * 10**16
    correlation: tuple[int, ...] = ()
    max_options: int = 128

    @classmethod
    def default(cls, underlyings: int) -> RiskParams:
        """The default parameters for ``underlyings`` underlyings (indices 0 to underlyings - 1):
        the default grid for each (``GridParams()``), MM = 80% of IM, at most 128 option series, no
        correlation matrix (IM is the plain sum of the underlyings' margins).

            margin_of(portfolio, market, RiskParams.default(len(market.underlyings)))
        """
        if underlyings < 0:
            raise ValueError(f"underlyings must be >= 0, got {underlyings}")
        return cls((GridParams(),) * underlyings)

    def as_abi(self) -> tuple:
        return ([g.as_abi() for g in self.grids], self.mm_factor, list(self.correlation), self.max_options)


@dataclass(frozen=True)
class UnderlyingMargin:
    """One underlying's grid result: loss, initial margin, worst scenario and the risk vector."""

    underlying: int
    loss: int
    initial_margin: int
    worst_scenario: int
    pnl: tuple[int, ...]


@dataclass(frozen=True)
class MarginResult:
    """Equity (mark-to-market, against the account), IM, MM and the per-underlying detail."""

    equity: int
    initial_margin: int
    maintenance_margin: int
    underlyings: tuple[UnderlyingMargin, ...]

    @property
    def liquidatable(self) -> bool:
        return self.equity < self.maintenance_margin
