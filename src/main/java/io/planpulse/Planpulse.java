package io.planpulse;
public final class Planpulse { public static void main(String[] a) {} }
