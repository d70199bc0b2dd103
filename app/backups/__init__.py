"""Backups that restore (factory layer: it reads every table, the files and the search index).

`snapshot.create_snapshot()` writes one consistent snapshot folder (database, files, manifest.json);
`manifest.verify_snapshot()` re-hashes it; `restore.restore_snapshot()` brings it back into an empty
database and files directory, checks the audit chain against the manifest's anchor and rebuilds the
search index. `flask backup create|verify|restore` (cli.py) drive them.
"""
