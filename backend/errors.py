"""Domain errors. Messages name the bad value and say what to do; api/ maps them to HTTP."""


class NotesError(Exception):
    """Base class of every error the product reports to a user."""


class ModelUnavailableError(NotesError):
    """The embedding model cannot be built or loaded."""


class InvalidNotePathError(NotesError):
    """A note path that would leave the corpus or is not a Markdown note."""


class InvalidNoteError(NotesError):
    """A note body that cannot be stored (not UTF-8, ...)."""


class NoteTooLargeError(NotesError):
    """A note body over the configured size limit."""


class NoteNotFoundError(NotesError):
    """No note at that path."""


class ReindexBusyError(NotesError):
    """Another reindex is already running."""


class NoteStorageError(NotesError):
    """The corpus folder cannot be written (permissions, full disk)."""


class NoteConflictError(NotesError):
    """A note path that collides with the corpus as it is (a note where a folder must be, or back)."""


class IndexNotReadyError(NotesError):
    """No index generation is loaded yet (the first index is being built)."""


class ReadOnlyRoleError(NotesError):
    """This server is a reader: changes go to the writer."""
