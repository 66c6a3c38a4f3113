"""Application services shared by the GUI and the CLI: core rules combined with storage."""
