"""Board and target facts every stage reads: the platform description (.repl) and what it says.

The stage-neutral package: the generator links and sizes firmware from a `Board`, the
emulation builds its machine from the `PlatformDescription`, and the bench turns counts into
time at the board's clock. It imports no stage; the stages import it here, at this entry,
never the modules behind it.
"""
from .currents import NRF52840_CURRENTS, SupplyCurrents
from .description import (
    DEFAULT_PLATFORM,
    RENODE_OVERLAY,
    REPL_PATH_ENV,
    PeripheralEntry,
    PlatformDescription,
    ReplError,
    load as load_description,
    search_path,
)
from .facts import RENODE_DEFAULT_MIPS, Board, Region, board_from_platform, core_clock_hz, load_board
from .renode_launcher import BINARY_NAME as RENODE_BINARY, ENV_VAR as RENODE_ENV_VAR, find_renode

__all__ = [
    "DEFAULT_PLATFORM", "NRF52840_CURRENTS", "RENODE_BINARY", "RENODE_DEFAULT_MIPS", "RENODE_ENV_VAR",
    "RENODE_OVERLAY", "REPL_PATH_ENV", "Board", "PeripheralEntry", "PlatformDescription", "Region", "ReplError",
    "SupplyCurrents", "board_from_platform", "core_clock_hz", "find_renode", "load_board", "load_description",
    "search_path",
]
