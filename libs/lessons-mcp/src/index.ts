export type { GuidanceLesson, LessonExplanation, LessonsAnswer, LessonsBackend, OutcomeReport } from './lessons-backend';
export { explanationText, guidanceText } from './guidance-text';
export { createLessonsMcpServer, MCP_SERVER_NAME } from './lessons-mcp.server';
