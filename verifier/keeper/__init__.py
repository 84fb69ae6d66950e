"""The keeper bot: discover margin accounts, screen, confirm exactly, prove with one scenario and
liquidate (issue: the keeper). Imports the verifier and offchain's libraries, never the CLI."""
