"""pyperf's entry point: `python -m parity.bench.harness GROUP --settings FILE -o OUT.json`.

pyperf starts its workers by running this file again, so it is every worker's main module, and
spawn and forkserver children import a worker's main module before they run: it stays tiny, and
imports the workloads only when it runs as the program.
"""

if __name__ == "__main__":
    from parity.bench.workloads import main
    from parity.common import entry

    entry.run(main)
