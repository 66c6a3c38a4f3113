"""The PySide6 desktop GUI. Only this package may import Qt.

``app`` starts the drafting desk (``desk_window``); ``ops`` runs database calls off the UI
thread; ``check_panel`` (editor + live findings) is shared with the scratch ``check_window``;
``dialogs`` wraps every modal dialog in a ``classmethod ask``.
"""
