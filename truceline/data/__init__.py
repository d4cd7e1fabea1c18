"""Data files shipped with truceline (marker lists, later dictionaries), read with importlib.resources."""
