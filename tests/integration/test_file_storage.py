"""The local file store follows the transaction: a file written is removed again on
rollback, a file removed is unlinked only once the removal is committed."""

from app.services import storage


def stored_path(app, name):
    return storage.LocalStorage(app.config["FILE_STORAGE_PATH"])._path(name)


def test_written_file_is_removed_on_rollback_and_kept_on_commit(app, dbs):
    store = storage.LocalStorage(app.config["FILE_STORAGE_PATH"])
    kept, undone = storage.new_name(), storage.new_name()
    with dbs() as s:
        store.save(s, undone, b"rolled back")
        assert stored_path(app, undone).exists()
        s.rollback()
        store.save(s, kept, b"committed")
        s.commit()
    assert not stored_path(app, undone).exists()
    assert stored_path(app, kept).read_bytes() == b"committed"


def test_removed_file_goes_only_after_commit(app, dbs):
    store = storage.LocalStorage(app.config["FILE_STORAGE_PATH"])
    name = storage.new_name()
    with dbs() as s:
        store.save(s, name, b"x")
        s.commit()
        store.remove(s, name)
        s.rollback()  # the removal did not happen: the file stays
        assert stored_path(app, name).exists()
        store.remove(s, name)
        assert stored_path(app, name).exists()
        s.commit()
    assert not stored_path(app, name).exists()


def test_stored_names_are_never_paths(app):
    store = storage.LocalStorage(app.config["FILE_STORAGE_PATH"])
    for name in ("../etc/passwd", "a/b", ""):
        try:
            store._path(name)
        except ValueError:
            continue
        raise AssertionError(f"{name!r} accepted")
