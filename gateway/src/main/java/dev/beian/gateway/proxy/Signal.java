package dev.beian.gateway.proxy;

/** A user event one handler of a client pipeline fires for another, compared by identity. */
record Signal(String name) {
}
