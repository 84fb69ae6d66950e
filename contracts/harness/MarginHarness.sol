// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MarginEvaluator} from "../MarginEvaluator.sol";

/// @title MarginHarness
/// @notice PortfolioMargin with explicit parameters, for differential tests against
///         `offchain/margin.py` and for gas benchmarks: exactly the engine's stateless
///         `MarginEvaluator`, under the harness name the tests and tools use.
contract MarginHarness is MarginEvaluator {}
