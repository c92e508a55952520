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
ENTRYPOINT ["java", "-jar", "/app/planpulse.jar"]
