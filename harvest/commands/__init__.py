"""What build.py's commands do beyond building: the change report, new records, the editors' local backend."""
