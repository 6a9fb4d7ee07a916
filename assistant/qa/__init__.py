"""Language QA: the runner that drives one conversation per utterance (`runner`) and the pure checks
that judge the runs (`checks`, which also loads `configs/qa.yaml`)."""
from .checks import clear_caches, qa_settings, validate_config
from .runner import (CHECK_TITLES, CHECKS, CheckResult, CheckStatus, LanguageResult, RoundTrip, UtteranceRun,
                     check_language,
                     csv_text, resolve_languages, run_matrix, run_utterance, write_csv)

__all__ = [
    "CHECK_TITLES", "CHECKS", "CheckResult", "CheckStatus", "LanguageResult", "RoundTrip", "UtteranceRun", "check_language",
    "csv_text", "resolve_languages", "run_matrix", "run_utterance", "write_csv",
    "clear_caches", "qa_settings", "validate_config",
]
