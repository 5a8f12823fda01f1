"""Voucher texts shared by the scanning tests."""

from voucher_core.codes import make_serial

SERIAL_A, SERIAL_B = make_serial(12345), make_serial(67890)
TEXT_A = f"VC1:DEMO:K1:{SERIAL_A}:" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 3 + "ABCDEFG"
TEXT_B = f"VC1:DEMO:K1:{SERIAL_B}:" + "QRSTUVWXYZ234567ABCDEFGHIJKLMNOP" * 3 + "QRSTUVW"
