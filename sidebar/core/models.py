# The core app has no models; its migration creates the shared database cache table.
