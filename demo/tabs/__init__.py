"""QA tabs of the console; each module has a `build_tab()` to call inside the Blocks."""
from . import airline_aliases, fallback_simulation

__all__ = ["airline_aliases", "fallback_simulation"]
