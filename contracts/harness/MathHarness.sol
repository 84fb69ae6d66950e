// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMath} from "../libraries/FixedPointMath.sol";

/// @title MathHarness
/// @notice Exposes every FixedPointMath function externally under the same name, for differential
///         tests against `offchain/twins/fixedpoint.py` and for the `gridmargin math` command.
/// @dev Shipped (artifact in the wheel), not under contracts/test/: `gridmargin math` and `demo` deploy it.
contract MathHarness {
    function mulWadDown(int256 x, int256 y) external pure returns (int256) {
        return FixedPointMath.mulWadDown(x, y);
    }

    function mulWadUp(int256 x, int256 y) external pure returns (int256) {
        return FixedPointMath.mulWadUp(x, y);
    }

    function divWadDown(int256 x, int256 y) external pure returns (int256) {
        return FixedPointMath.divWadDown(x, y);
    }

    function divWadUp(int256 x, int256 y) external pure returns (int256) {
        return FixedPointMath.divWadUp(x, y);
    }

    function expWad(int256 x) external pure returns (int256) {
        return FixedPointMath.expWad(x);
    }

    function lnWad(int256 x) external pure returns (int256) {
        return FixedPointMath.lnWad(x);
    }

    function sqrtWad(int256 x) external pure returns (int256) {
        return FixedPointMath.sqrtWad(x);
    }

    function normCdfWad(int256 x) external pure returns (int256) {
        return FixedPointMath.normCdfWad(x);
    }

    function normPdfWad(int256 x) external pure returns (int256) {
        return FixedPointMath.normPdfWad(x);
    }
}
