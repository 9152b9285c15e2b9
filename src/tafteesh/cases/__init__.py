"""Cases: the sections catalogue, case stages and statutory clocks."""
