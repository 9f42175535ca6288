package dev.baton.examples;

/** A step of the demo that did not behave as the demo says it does. */
final class DemoFailure extends Exception {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
        super(message);
    }
}
