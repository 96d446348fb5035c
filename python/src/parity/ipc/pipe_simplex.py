"""ipc.pipe-simplex: Pipe(duplex=False) gives a read-only end and a write-only end.

The first end can only recv(), the second can only send(); using an end the wrong way raises
OSError. recv() blocks until a message arrives, so receiving before the child that will send
has even been started waits forever: the article's "move start() and it deadlocks". Here the
wrong order is shown safely: poll(timeout) returns False instead of hanging. And the pipe
still wants one close: while the parent holds its copy of the write end, a reader can never
see end-of-file, so a child that dies without sending leaves recv() blocked for good.
"""

from __future__ import annotations

from parity.common import entry
from parity.common.mp import Connection, Context, context, recv
from parity.common.process_group import join_or_kill
from parity.common.timing import scaled

MESSAGE = "[child] Dad, we are done for: Mum is at the door."


# <child>
def child(writer: Connection) -> None:
    """Runs in the child: one message on the write-only end."""
    writer.send(MESSAGE)
    writer.close()


def silent_child(writer: Connection) -> None:
    """Runs in the child: exits without sending anything (a crash, say)."""
    writer.close()


# </child>


# <wrong-order>
def receive_before_start(ctx: Context, wait: float) -> tuple[bool, object]:
    """The article's wrong order, made safe: poll before start(), then start and receive.

    Returns (whether anything arrived before start(), the message received after it).
    A bare recv() in place of poll(wait) would never return: nobody is writing yet.
    """
    reader, writer = ctx.Pipe(duplex=False)
    process = ctx.Process(target=child, args=(writer,))
    arrived_early = reader.poll(wait)  # False: the child does not exist yet
    process.start()
    writer.close()
    try:
        return arrived_early, recv(reader)
    finally:
        reader.close()
        join_or_kill(process)


# </wrong-order>


# <right-order>
def receive(ctx: Context) -> object:
    """The right order: start the writer, then receive."""
    reader, writer = ctx.Pipe(duplex=False)  # (read-only end, write-only end)
    process = ctx.Process(target=child, args=(writer,))
    process.start()
    writer.close()  # keep no write end here, so a dead child means EOFError, not a hang
    try:
        return recv(reader)
    finally:
        reader.close()
        join_or_kill(process)


# </right-order>


# <eof>
def after_silent_child(ctx: Context, close_writer: bool, wait: float) -> str:
    """A child exits without sending. What does the reader see?

    'eof' when no write end is left open anywhere (recv() raises EOFError);
    'nothing' when the parent still holds the write end: recv() would block forever.
    """
    reader, writer = ctx.Pipe(duplex=False)
    process = ctx.Process(target=silent_child, args=(writer,))
    process.start()
    if close_writer:
        writer.close()
    try:
        join_or_kill(process)  # the child is gone before we look
        try:
            if not reader.poll(wait):
                return "nothing"
            reader.recv()
        except (EOFError, BrokenPipeError):  # Windows may report the closed pipe from poll()
            return "eof"
        return "message"
    finally:
        reader.close()
        if not close_writer:
            writer.close()


# </eof>


# <wrong-direction>
def misuse(ctx: Context) -> list[str]:
    """Send on the read-only end, receive on the write-only end: both raise OSError."""
    reader, writer = ctx.Pipe(duplex=False)
    errors = []
    try:
        for attempt in (lambda: reader.send("x"), writer.recv):
            try:
                attempt()
            except OSError as error:
                errors.append(f"{type(error).__name__}: {error}")
    finally:
        reader.close()
        writer.close()
    return errors


# </wrong-direction>


def main() -> None:
    ctx = context()
    print(receive(ctx))
    wait = scaled(1)
    arrived, message = receive_before_start(ctx, wait)
    print(
        f"receiving before start(): anything within {wait:.2f} s? {arrived}; after start():"
        f" {message}"
    )
    for error in misuse(ctx):
        print(f"wrong direction: {error}")
    print(f"silent child, parent closed its write end: {after_silent_child(ctx, True, wait)}")
    print(f"silent child, parent kept its write end: {after_silent_child(ctx, False, wait)}")


if __name__ == "__main__":
    entry.run(main)
