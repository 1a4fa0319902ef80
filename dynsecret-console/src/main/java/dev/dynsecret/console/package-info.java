/**
 * The dynsecret web console: {@link dev.dynsecret.console.Console} answers the console's pages
 * and JSON API over a {@link dev.dynsecret.LeaseManager}, whatever server it runs on; {@link
 * dev.dynsecret.console.ConsoleServer} runs it on the JDK's HTTP server, {@link
 * dev.dynsecret.console.ConsoleServlet} in a servlet container (the Spring Boot starter mounts it).
 */
@NullMarked
package dev.dynsecret.console;

import org.jspecify.annotations.NullMarked;
