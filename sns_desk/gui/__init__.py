"""The PySide6 desktop GUI. Only this package may import Qt."""
