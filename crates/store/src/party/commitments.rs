//! Public commitments (承诺践诺): pledges with due dates, progress reports with evidence, verification by the secretary.
