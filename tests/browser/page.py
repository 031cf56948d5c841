"""The web chat as a test sees it: find, click, type, wait (Selenium, explicit waits only)."""

from __future__ import annotations

import time
from typing import Any

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 30  # generous: CI machines are busy


class ChatPage:
    def __init__(self, driver: Any, url: str) -> None:
        self.driver = driver
        self.url = url

    def open(self) -> ChatPage:
        self.driver.get(self.url)
        self.wait(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))
        self.wait(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-connected"))
        return self

    def wait(self, condition: Any, timeout: float = TIMEOUT) -> Any:
        return WebDriverWait(
            self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)
        ).until(condition)

    # ------------------------------------------------------------------ actions
    def persona(self, persona_id: int) -> None:
        self.driver.find_element(By.CSS_SELECTOR, f'[data-persona="{persona_id}"]').click()
        self.wait(
            lambda d: (
                "active"
                in (
                    d.find_element(By.CSS_SELECTOR, f'[data-persona="{persona_id}"]').get_attribute(
                        "class"
                    )
                    or ""
                )
            )
        )

    def type(self, text: str) -> None:
        box = self.driver.find_element(By.ID, "input")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)

    def say(self, text: str, expect: str) -> WebElement:
        count = len(self.bubbles())
        self.type(text)
        self.wait(lambda d: len(self.bubbles()) > count)  # my own message shows at once
        return self.bot_message(expect)

    def tap(self, label: str, expect: str) -> WebElement:
        """Press the inline button containing ``label`` in the latest message that has one."""
        button = self.wait(lambda d: self._button(label))
        button.click()
        return self.bot_message(expect)

    def _button(self, label: str) -> WebElement | None:
        for message in reversed(self.bubbles()):
            buttons = message.find_elements(By.CSS_SELECTOR, ".inline-kb button")
            if buttons:
                for button in buttons:
                    if label in button.text:
                        return button
                return None
        return None

    def share_contact(self, expect: str) -> WebElement:
        self.wait(
            lambda d: d.find_element(By.CSS_SELECTOR, "#reply-keyboard button.contact")
        ).click()
        return self.bot_message(expect)

    def clock(self, button: str) -> None:
        """Press a clock button (``clock-hour``, ``clock-day``, ``clock-to``) and wait for the
        clock to show the new time."""
        shown = self.driver.find_element(By.ID, "clock-now").text
        self.driver.find_element(By.ID, button).click()
        self.wait(lambda d: d.find_element(By.ID, "clock-now").text != shown)

    def answer_poll(self, question_prefix: str, option: int) -> WebElement:
        """Click an option of the quiz poll whose question starts with ``question_prefix``;
        returns the poll once it shows its result."""
        poll = self.wait(lambda d: self._poll(question_prefix))
        poll_id = poll.get_attribute("data-poll")
        poll.find_element(By.CSS_SELECTOR, f'.poll-option[data-index="{option}"]').click()
        return self.wait(
            lambda d: d.find_element(
                By.CSS_SELECTOR, f'[data-poll="{poll_id}"] .poll-result'
            ).find_element(By.XPATH, "..")
        )

    def _poll(self, prefix: str) -> WebElement | None:
        for poll in self.driver.find_elements(By.CSS_SELECTOR, "#messages .poll"):
            if poll.find_element(By.CSS_SELECTOR, ".poll-question").text.startswith(prefix):
                return poll
        return None

    # ------------------------------------------------------------------- reads
    def bubbles(self) -> list[WebElement]:
        return list(self.driver.find_elements(By.CSS_SELECTOR, "#messages .msg"))

    def bot_message(self, expect: str, timeout: float = TIMEOUT) -> WebElement:
        """The latest bot message whose text contains ``expect`` (waits for it)."""

        def found(_: Any) -> WebElement | None:
            for message in reversed(
                self.driver.find_elements(By.CSS_SELECTOR, "#messages .msg.bot")
            ):
                if expect in message.text:
                    return message
            return None

        return self.wait(found, timeout)

    def texts(self) -> list[str]:
        return [m.text for m in self.bubbles()]

    def screenshot(self, path: str) -> None:
        time.sleep(0.3)  # let the last image decode and the scroll settle
        self.driver.save_screenshot(path)
