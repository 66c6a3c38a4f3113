"""The script PyInstaller freezes: the same entry point as the wheel's ``sns-desk`` (sns_desk.__main__:main)."""

import sys

from sns_desk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
