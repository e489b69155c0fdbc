"""Typed records of the 8x8 APIs and the argument types their calls take, one public module
per API family: `types.stats`, `types.analytics`, `types.streaming`, ….

Import from the family module (`from eightbyeight_async.types.stats import Agent`); that is
the one import path for each name.
"""
