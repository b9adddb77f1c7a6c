package io.smtk.local;

/**
 * The user and group the archives are handed to: the user who ran {@code sudo smtk local}.
 *
 * @param uid the user id
 * @param gid the group id
 */
public record FileOwner(int uid, int gid) {}
