"""Tasks for the sandbox tests: module-level, so a spawned worker can import them."""
import os


def echo(value):
    return value


def abort():
    os.abort()  # what python-calamine does on a failed allocation


def allocate(megabytes: int):
    return len(bytearray(megabytes * 1024 * 1024))


def spin():
    while True:
        pass


def big_answer(megabytes: int):
    return os.urandom(megabytes * 1024 * 1024)


def fail():
    raise ValueError("the task's own error")


def pid():
    return os.getpid()
