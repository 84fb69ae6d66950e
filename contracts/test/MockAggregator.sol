// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @title MockAggregator
/// @notice Test double of a Chainlink feed: every field of a round and `decimals` are settable by
///         anyone. Deployed with 8 decimals and no round (latestRoundData returns zeros).
/// @dev For tests only: no access control. `getRoundData` reverts "No data present" for a round
///      that was never set, as Chainlink aggregators do.
contract MockAggregator is AggregatorV3Interface {
    struct Round {
        int256 answer;
        uint256 startedAt;
        uint256 updatedAt;
        uint80 answeredInRound;
        bool exists;
    }

    uint8 public decimals = 8;
    string public description = "MockAggregator";
    uint256 public constant version = 4;
    uint80 public latestRound;
    mapping(uint80 roundId => Round) private _rounds;

    function setDecimals(uint8 newDecimals) external {
        decimals = newDecimals;
    }

    /// @notice Store round `roundId` with the given fields and make it the latest.
    function setRoundData(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
        external
    {
        _rounds[roundId] = Round(answer, startedAt, updatedAt, answeredInRound, true);
        latestRound = roundId;
    }

    function getRoundData(uint80 _roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory round = _rounds[_roundId];
        require(round.exists, "No data present");
        return (_roundId, round.answer, round.startedAt, round.updatedAt, round.answeredInRound);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory round = _rounds[latestRound];
        return (latestRound, round.answer, round.startedAt, round.updatedAt, round.answeredInRound);
    }
}
