"""The floor: parse every entry file with bare libyaml (yaml.CSafeLoader) and nothing else.

Run as a script (`python bench/floor.py TERMS`) so that nothing but PyYAML is imported.
Prints the number of files parsed.
"""

import os
import sys

import yaml

folder = sys.argv[1]
count = 0
for name in sorted(os.listdir(folder)):
    if name.endswith(".yaml"):
        with open(os.path.join(folder, name), "rb") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)
        count += 1
print(count)
