# planpulse image: builds the jar with Maven, runs it on a JRE.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/planpulse.jar /app/planpulse.jar
COPY src/main/resources/plans /app/plans
# A fixed heap (half the container's memory), touched in full at start: a heap that grows as it goes faults in and
# zeroes fresh pages on the stream threads (see docs/performance.md). JAVA_TOOL_OPTIONS can override it.
ENTRYPOINT ["java", "-XX:InitialRAMPercentage=50", "-XX:MaxRAMPercentage=50", "-XX:+AlwaysPreTouch", "-jar", "/app/planpulse.jar"]
