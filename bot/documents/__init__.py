"""Rendering of the documents behind the "training hours" feature, as pure functions.

Each module takes plain frozen dataclasses (or rows of plain values) and returns bytes, with no
database or Telegram code, so handlers can run them in a worker thread (``asyncio.to_thread``)
and the rendering can be tested on its own:

- ``certificate``: the one-page e-certificate PDF of a passed module;
- ``verification``: certificate numbers and HMAC verification codes for ``/verifikasi``;
- ``transcript``: an employee's yearly JP transcript PDF;
- ``charts``: PNG charts of cumulative JP and of compliance per OPD;
- ``spreadsheets``: XLSX and CSV exports of any table;
- ``labels``: every Indonesian word these documents print.
"""
