"""Calibration on an observed offensive (ABC-SMC with pyabc) and calibration files."""
